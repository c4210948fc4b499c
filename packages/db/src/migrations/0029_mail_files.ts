import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// mail_files: a file that mail in the outbox carries, stored once however many messages carry it.
// A scheduled report goes to up to 20 recipients, one message each (no one sees the others'
// addresses); with the file inline (mail_outbox.attachments, 0025) its PDF was stored 20 times.
// Now each message names the files it carries (mail_outbox.file_ids); the relay's pruning deletes a
// file once no message names it. Rows queued before this keep their inline attachments.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table mail_files (
      tenant_id    uuid        not null,
      id           uuid        primary key,
      filename     text        not null,
      content_type text        not null,
      content      bytea       not null,
      created_at   timestamptz not null
    );
    select crm_enable_tenant_rls('mail_files');

    alter table mail_outbox add column file_ids uuid[];
  `)
    .execute(db);
}
