import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Credentials take effect at once (issue 9). What every authenticated request checks lives in rows
// an event changes, so one lookup answers it:
// - users.session_epoch: bumped by the users projection on a password change, a logout-all, a
//   deactivation and an erasure. Access tokens carry the epoch they were issued under (`ep`); one
//   from an older epoch is refused, whatever its expiry says.
// - tenants.status (0001) is now also 'suspended' (TenantSuspended / TenantReactivated).
// - api_keys.profile_id: a key may be bounded by a permission profile (its permissions intersected
//   with the creator's own at each request).
// - refresh_tokens.grace_*: the pair a rotation answered, encrypted under a key derived from the
//   rotated (clear) token, which is never stored; a second use of that token within the grace
//   window answers the same pair (two tabs refreshing at once), later it revokes the family.
// - login_throttle admits the scope 'password_change' (wrong current passwords, per user).
// - mail_outbox: an index for the relay's pruning of old sent mail.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    alter table users add column session_epoch integer not null default 0;

    alter table api_keys add column profile_id integer;

    alter table refresh_tokens add column grace_until timestamptz;
    alter table refresh_tokens add column grace_pair text;

    alter table login_throttle drop constraint if exists login_throttle_scope_check;
    alter table login_throttle add constraint login_throttle_scope_check
      check (scope in ('account', 'address', 'password_change'));

    create index mail_outbox_sent_at on mail_outbox (sent_at) where status = 'sent';
  `)
    .execute(db);
}
