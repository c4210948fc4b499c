import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Document 003's persons and organizations. A person stays one row of `persons` (deal contacts
// are people too); an organization is a company, the aggregate document 002's accounts will show
// later, so its table is `companies` and its fields grow by new columns, not a second store.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table companies (
      tenant_id     uuid        not null,
      id            uuid        primary key,
      name          text        not null,
      address       jsonb,
      owner_user_id integer,
      metadata      jsonb,
      version       bigint      not null,
      created_at    timestamptz not null,
      updated_at    timestamptz not null
    );
    -- Names are unique per tenant, case-sensitively (document 003).
    create unique index companies_tenant_name on companies (tenant_id, name);
    create index companies_tenant_created on companies (tenant_id, created_at, id);
    select crm_enable_tenant_rls('companies');

    -- An external id, when given, names one person per tenant.
    create unique index persons_tenant_unique_id on persons (tenant_id, unique_id) where unique_id <> '';
    create index persons_tenant_created on persons (tenant_id, created_at, id);
    create index persons_tenant_organization on persons (tenant_id, organization_id) where organization_id is not null;

    -- Document 003 shows a tenant ("platform") as an integer: one per tenant, given on first use
    -- and kept. State, not a projection: a rebuild must not renumber anyone.
    create table platform_numbers (
      tenant_id uuid    primary key,
      number    integer generated always as identity unique
    );
    select crm_enable_tenant_rls('platform_numbers');
    grant usage on all sequences in schema public to crm_app, crm_system;
  `)
    .execute(db);
}
