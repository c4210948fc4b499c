import { randomUUID } from 'node:crypto';
import type { Tx } from '@crm/db';

export type MailKind = 'invitation' | 'password_reset' | 'email_verification' | 'notification' | 'report' | 'smtp_test';

export interface OutgoingMail {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Files the message carries (a scheduled report's PDF, CSV or JSON), stored once by storeMailFile. */
  fileIds?: string[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** How mail queued before migration 0029 keeps an attachment inline (mail_outbox.attachments, jsonb). */
export interface StoredAttachment {
  filename: string;
  content_type: string;
  content_base64: string;
}

/**
 * Stores a file for mail in the caller's transaction, once however many messages carry it (a report
 * to 20 recipients is 20 messages, one file). Returns its id, for `OutgoingMail.fileIds`.
 */
export async function storeMailFile(tx: Tx, tenantId: string, file: MailAttachment, now: Date): Promise<string> {
  const id = randomUUID();
  await tx
    .insertInto('mail_files')
    .values({ tenant_id: tenantId, id, filename: file.filename, content_type: file.contentType, content: file.content, created_at: now })
    .execute();
  return id;
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
      attachments: null,
      file_ids: mail.fileIds?.length ? mail.fileIds : null,
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
  /** StoredAttachment[] inline: mail queued before migration 0029 only; null since. */
  attachments: unknown;
  /** The mail_files the message carries (migration 0029), or null. */
  file_ids: string[] | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
  message_id: string | null;
  created_at: Date;
}

/** A file mail carries, stored once (migration 0029). */
export interface MailFilesTable {
  tenant_id: string;
  id: string;
  filename: string;
  content_type: string;
  content: Buffer;
  created_at: Date;
}

declare module '@crm/db' {
  interface Database {
    mail_outbox: MailOutboxTable;
    mail_files: MailFilesTable;
  }
}
