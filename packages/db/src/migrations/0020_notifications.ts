import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// The notification inbox (documents 000 and 001). A notification is derived from the event log:
// an async projection reads each domain event once, asks the notification sources which users it
// concerns (packages/domain/src/notifications), and writes one row per recipient. Its id is
// derived from (source event, recipient, key), so a rebuild writes the same ids again and the
// read and dismiss events that name them still apply.
//
// email_state is the notification's email leg, decided when the row is written from the
// recipient's preferences and Do Not Disturb, then advanced by the email delivery worker:
//   none      the recipient does not want it by email (or the source has no email leg)
//   pending   to be rendered and put in the mail outbox
//   held      inside the recipient's Do Not Disturb window: pending again when it ends (held_until)
//   digest    goes out in the recipient's next digest instead of on its own
//   queued    rendered and in mail_outbox (mail_id); the outbox does the sending
//   digested  went out inside a digest (mail_id of the digest)

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table notifications (
      tenant_id        uuid        not null,
      id               uuid        primary key,
      user_id          integer     not null,
      event_key        text        not null,
      module           text        not null,
      title            text        not null,
      body             text        not null,
      link             text,
      variables        jsonb       not null default '{}',
      source_position  bigint      not null,
      source_event_id  uuid        not null,
      created_at       timestamptz not null,
      read_at          timestamptz,
      dismissed_at     timestamptz,
      email_state      text        not null default 'none',
      held_until       timestamptz,
      mail_id          uuid,
      email_updated_at timestamptz
    );
    -- The inbox: a user's notifications, newest first; the badge: their unread ones.
    create index notifications_inbox on notifications (tenant_id, user_id, created_at desc, id desc) where dismissed_at is null;
    create index notifications_unread on notifications (tenant_id, user_id) where read_at is null and dismissed_at is null;
    -- The email worker's queue.
    create index notifications_email_due on notifications (email_state, held_until) where email_state in ('pending', 'held', 'digest');
    select crm_enable_tenant_rls('notifications');
  `)
    .execute(db);
}
