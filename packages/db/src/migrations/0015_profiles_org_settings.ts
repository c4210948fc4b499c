import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Permission profiles and organization settings (document 001, /api/v1/profiles, /api/v1/org-settings).
// Both are read models of one stream per tenant (`permission_profiles/<tenant>`, `org_settings/<tenant>`).
// A profile's integer id is given by the command (max + 1 under the stream's lock) and carried in its
// event, so a rebuild gives the same ids. A user's profile is users.profile_id (migration 0009).

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table permission_profiles (
      tenant_id   uuid        not null,
      id          integer     not null,
      name        text        not null,
      description text,
      permissions jsonb       not null,
      active      boolean     not null,
      created_at  timestamptz not null,
      updated_at  timestamptz not null,
      primary key (tenant_id, id)
    );
    create unique index permission_profiles_tenant_name on permission_profiles (tenant_id, lower(name));
    select crm_enable_tenant_rls('permission_profiles');

    create table org_settings (
      tenant_id  uuid        not null,
      key        text        not null,
      value      jsonb       not null,
      updated_at timestamptz not null,
      primary key (tenant_id, key)
    );
    select crm_enable_tenant_rls('org_settings');
  `)
    .execute(db);
}
