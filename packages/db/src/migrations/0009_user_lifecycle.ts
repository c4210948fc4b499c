import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Managed users (document 001): invited users, a permission profile per user, and invitations.
// An invitation token is a secret, so it is state, never an event: only its SHA-256 is stored,
// one live invitation per user (a resend replaces the hash, so the old link stops working), and
// the row is deleted when it is used, so a token works once.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    alter table users add column profile_id integer;

    create table user_invitations (
      tenant_id  uuid        not null,
      user_id    integer     primary key,
      token_hash text        not null unique,
      expires_at timestamptz not null,
      created_at timestamptz not null
    );
    create index user_invitations_tenant on user_invitations (tenant_id);
    select crm_enable_tenant_rls('user_invitations');
  `)
    .execute(db);
}
