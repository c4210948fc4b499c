import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Failed-login counters, shared by every server process. A login happens before the tenant is
// known (the slug may name no tenant at all), so this table has no tenant_id and no row-level
// security: like es_checkpoints it is granted to crm_system only, reached through inSystem(), and a
// tenant request (crm_app) cannot read it. Rows are state, not events: they hold no domain fact,
// and rows quiet for a day are deleted.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table login_throttle (
      -- 'account': (tenant slug as typed, lower(email)); 'address': ('', client address).
      scope           text        not null check (scope in ('account', 'address')),
      tenant_slug     text        not null default '',
      subject         text        not null,
      -- Failures since window_start; a window older than the policy's starts afresh.
      failures        integer     not null default 0,
      window_start    timestamptz not null,
      -- Locks so far (each one longer); forgotten on a success or after a quiet day.
      lockouts        integer     not null default 0,
      locked_until    timestamptz,
      last_failure_at timestamptz not null,
      primary key (scope, tenant_slug, subject)
    );
    create index login_throttle_last_failure on login_throttle (last_failure_at);
    grant select, insert, update, delete on login_throttle to crm_system;
  `)
    .execute(db);
}
