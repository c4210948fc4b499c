import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Document 002's accounts are the companies of document 003 seen through another face: the
// account fields are new columns of `companies`, filled by the same company events.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    alter table companies
      add column website         text,
      add column industry        text,
      add column company_size    text,
      add column annual_revenue  double precision,
      add column stage           text  not null default 'prospect',
      add column phone           text,
      add column billing_address jsonb,
      add column tags            jsonb not null default '[]'::jsonb,
      add column description     text;
    create index companies_tenant_stage on companies (tenant_id, stage);
  `)
    .execute(db);
}
