import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// The one mail outbox. A message is written in the same transaction as the change that causes it
// (an invitation, a reset, later a notification or a report), so a rolled-back change sends
// nothing; the relay takes due rows with FOR UPDATE SKIP LOCKED, so several server processes never
// send one message twice, and a failed send is retried with backoff, never dropped. Mail carries
// secrets (invitation and reset links), so it is state, not events, and is deleted after a while.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table mail_outbox (
      tenant_id       uuid        not null,
      id              uuid        not null,
      -- What made it: 'invitation', 'password_reset', 'email_verification', 'notification', 'report', 'smtp_test'.
      kind            text        not null,
      to_address      text        not null,
      subject         text        not null,
      text_body       text        not null,
      html_body       text,
      -- 'pending' until sent; 'sent'; 'failed' after the last attempt.
      status          text        not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts        integer     not null default 0,
      next_attempt_at timestamptz not null,
      last_error      text,
      sent_at         timestamptz,
      message_id      text,
      created_at      timestamptz not null,
      primary key (tenant_id, id)
    );
    create index mail_outbox_due on mail_outbox (next_attempt_at) where status = 'pending';
    select crm_enable_tenant_rls('mail_outbox');
  `)
    .execute(db);
}
