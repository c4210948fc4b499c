import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Chat (document 001): read models of the `chat-channel/<id>` streams. Unread counts are one
// query over chat_members joined to chat_messages after each member's read_seq (the messages
// index serves it), so a post writes one message row and no per-member counter.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table chat_channels (
      tenant_id              uuid        not null,
      id                     uuid        primary key,
      kind                   text        not null,
      name                   text,
      direct_key             text,
      created_by             integer     not null,
      last_seq               integer     not null,
      last_message_id        uuid,
      last_message_author_id integer,
      last_message_content   text,
      last_message_at        timestamptz,
      last_activity_at       timestamptz not null,
      version                bigint      not null,
      created_at             timestamptz not null,
      updated_at             timestamptz not null
    );
    -- One direct channel per pair of users, per tenant, ever.
    create unique index chat_channels_direct on chat_channels (tenant_id, direct_key) where direct_key is not null;
    select crm_enable_tenant_rls('chat_channels');

    create table chat_members (
      tenant_id  uuid        not null,
      id         text        primary key,
      channel_id uuid        not null,
      user_id    integer     not null,
      read_seq   integer     not null,
      read_message_id uuid,
      read_at    timestamptz,
      joined_at  timestamptz not null
    );
    create unique index chat_members_channel_user on chat_members (channel_id, user_id);
    create index chat_members_user on chat_members (tenant_id, user_id);
    select crm_enable_tenant_rls('chat_members');

    create table chat_messages (
      tenant_id  uuid        not null,
      id         uuid        primary key,
      channel_id uuid        not null,
      seq        integer     not null,
      author_id  integer     not null,
      content    text        not null,
      created_at timestamptz not null
    );
    -- Pages (newest first, before a seq) and unread counts (after a seq, not one's own).
    create unique index chat_messages_channel_seq on chat_messages (channel_id, seq) include (author_id);
    select crm_enable_tenant_rls('chat_messages');
  `)
    .execute(db);
}
