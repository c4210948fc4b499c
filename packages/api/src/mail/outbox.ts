import { randomUUID } from 'node:crypto';
import type { Tx } from '@crm/db';

export type MailKind = 'invitation' | 'password_reset' | 'email_verification' | 'notification' | 'report' | 'smtp_test';

export interface OutgoingMail {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Files the message carries (a scheduled report's PDF, CSV or JSON). */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** How an attachment is kept in the outbox row (jsonb). */
export interface StoredAttachment {
  filename: string;
  content_type: string;
  content_base64: string;
}

/**
 * Puts a message in the outbox inside the caller's transaction: it is sent only if that
 * transaction commits, and the relay retries it until it is delivered. Returns its id.
 */
export async function enqueueMail(tx: Tx, tenantId: string, mail: OutgoingMail, now: Date): Promise<string> {
  const id = randomUUID();
  await tx
    .insertInto('mail_outbox')
    .values({
      tenant_id: tenantId,
      id,
      kind: mail.kind,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      attachments: mail.attachments?.length
        ? JSON.stringify(
            mail.attachments.map(
              (a): StoredAttachment => ({
                filename: a.filename,
                content_type: a.contentType,
                content_base64: a.content.toString('base64'),
              }),
            ),
          )
        : null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      last_error: null,
      sent_at: null,
      message_id: null,
      created_at: now,
    })
    .execute();
  return id;
}

export interface MailOutboxTable {
  tenant_id: string;
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** StoredAttachment[] (migration 0025), or null. */
  attachments: unknown;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
  message_id: string | null;
  created_at: Date;
}

declare module '@crm/db' {
  interface Database {
    mail_outbox: MailOutboxTable;
  }
}
