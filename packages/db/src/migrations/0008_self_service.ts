import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Self-service identity (document 001): mailed one-time tokens, the password-reset request limit,
// and the users' profiles and preferences.
//
// - user_tokens: password-reset and email-verification tokens. Only the SHA-256 of a token is
//   stored (a token is 256 random bits, so a fast hash is enough); a row is bound to its tenant
//   and user, used at most once (used_at) and expires. State, not events: secrets never enter the log.
// - password_reset_throttle: requests per (tenant slug as typed, lower(email)), whether or not the
//   tenant or the account exists, so the limit says nothing about which accounts are real. Asked
//   before the tenant is known: no tenant_id, granted to crm_system only (like login_throttle).
// - user_profiles: the read model of the UserProfileUpdated and UserPreferencesUpdated events.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table user_tokens (
      tenant_id  uuid        not null,
      id         uuid        not null,
      purpose    text        not null check (purpose in ('password_reset', 'email_verification')),
      user_id    integer     not null,
      token_hash text        not null,
      -- The address the token was mailed to: a verification only counts for the address it went to.
      email      text        not null,
      expires_at timestamptz not null,
      used_at    timestamptz,
      created_at timestamptz not null,
      primary key (tenant_id, id)
    );
    create unique index user_tokens_hash on user_tokens (token_hash);
    create index user_tokens_user on user_tokens (tenant_id, user_id, purpose);
    create index user_tokens_expires on user_tokens (expires_at);
    select crm_enable_tenant_rls('user_tokens');

    create table password_reset_throttle (
      tenant_slug  text        not null,
      subject      text        not null,
      -- Requests accepted since window_start; a window older than the policy's starts afresh.
      requests     integer     not null,
      window_start timestamptz not null,
      primary key (tenant_slug, subject)
    );
    create index password_reset_throttle_window on password_reset_throttle (window_start);
    grant select, insert, update, delete on password_reset_throttle to crm_system;

    create table user_profiles (
      tenant_id   uuid        not null,
      user_id     integer     primary key,
      phone       text,
      avatar_url  text,
      timezone    text,
      locale      text,
      preferences jsonb       not null default '{}',
      updated_at  timestamptz not null
    );
    create index user_profiles_tenant on user_profiles (tenant_id);
    select crm_enable_tenant_rls('user_profiles');
  `)
    .execute(db);
}
