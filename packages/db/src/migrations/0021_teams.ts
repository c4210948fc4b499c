import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Document 000's teams: groups of a tenant's users with their own roles (owner, admin, member,
// viewer), one stream per team (`team/<id>`). `teams`, `team_members` and `team_invites` are read
// models of those streams. `team_invite_secrets` is state, not a projection: an invitation's
// token hash and the address it was sent to stay out of the log (secrets are not events, and an
// address is personal data the log would keep forever).

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table teams (
      tenant_id   uuid        not null,
      id          uuid        primary key,
      name        text        not null,
      description text,
      created_by  integer,
      version     bigint      not null,
      created_at  timestamptz not null,
      updated_at  timestamptz not null
    );
    create index teams_tenant_created on teams (tenant_id, created_at, id);
    select crm_enable_tenant_rls('teams');

    -- One row per (team, user); id is '<team id>:<user id>', the key the projection folds by.
    create table team_members (
      tenant_id  uuid        not null,
      id         text        primary key,
      team_id    uuid        not null,
      user_id    integer     not null,
      role       text        not null,
      invite_id  uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create unique index team_members_tenant_team_user on team_members (tenant_id, team_id, user_id);
    create index team_members_tenant_user on team_members (tenant_id, user_id);
    select crm_enable_tenant_rls('team_members');

    create table team_invites (
      tenant_id       uuid        not null,
      id              uuid        primary key,
      team_id         uuid        not null,
      role            text        not null,
      status          text        not null,
      invited_user_id integer,
      invited_by      integer,
      expires_at      timestamptz not null,
      created_at      timestamptz not null,
      updated_at      timestamptz not null
    );
    create index team_invites_tenant_team on team_invites (tenant_id, team_id, status);
    select crm_enable_tenant_rls('team_invites');

    create table team_invite_secrets (
      tenant_id  uuid not null,
      invite_id  uuid primary key,
      team_id    uuid not null,
      email      text not null,
      token_hash text not null
    );
    create unique index team_invite_secrets_token on team_invite_secrets (token_hash);
    create index team_invite_secrets_tenant_team_email on team_invite_secrets (tenant_id, team_id, lower(email));
    select crm_enable_tenant_rls('team_invite_secrets');
  `)
    .execute(db);
}
