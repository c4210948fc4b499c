import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Document 000's business profile and document 001's setup hub.
//
// `business_profiles` is the read model of each user's `business_profile/<user id>` stream: one row
// per user who ever touched it, its status (none after a reset, completed, skipped) and its fields
// as one jsonb document (the ICP the scoring reads). User ids come from one sequence, so the user
// id alone is the key.
//
// `setup_hub` is the read model of each tenant's `setup_hub/<tenant id>` stream: the status of
// every setup task that was ever changed (the others are pending) and when the setup was completed.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table business_profiles (
      tenant_id    uuid        not null,
      user_id      integer     primary key,
      status       text        not null,
      fields       jsonb       not null,
      completed_at timestamptz,
      skipped_at   timestamptz,
      version      bigint      not null,
      created_at   timestamptz not null,
      updated_at   timestamptz not null
    );
    create index business_profiles_tenant on business_profiles (tenant_id, status);
    select crm_enable_tenant_rls('business_profiles');

    create table setup_hub (
      tenant_id    uuid        primary key,
      tasks        jsonb       not null,
      completed_at timestamptz,
      completed_by integer,
      version      bigint      not null,
      created_at   timestamptz not null,
      updated_at   timestamptz not null
    );
    select crm_enable_tenant_rls('setup_hub');
  `)
    .execute(db);
}
