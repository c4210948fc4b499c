import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Per-subject keys for crypto-shredding (packages/domain/src/privacy). The personal part of an
// event is stored sealed (AES-256-GCM) under its subject's key; the subject is the event's stream
// (`person/<id>`). Erasure sets `key` to null and stamps `erased_at`: the stored events (and so
// their hash chain) stay as they were, and their personal part can no longer be read. The row is
// kept so a later write of personal data for an erased subject is refused, not sealed anew.
// This table is never exported with the log.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table subject_keys (
      tenant_id    uuid        not null,
      subject_type text        not null,
      subject_id   text        not null,
      key          bytea,
      created_at   timestamptz not null default now(),
      erased_at    timestamptz,
      primary key (tenant_id, subject_type, subject_id),
      constraint subject_keys_key_or_erased check ((key is null) = (erased_at is not null)),
      constraint subject_keys_key_length check (key is null or octet_length(key) = 32)
    );
    select crm_enable_tenant_rls('subject_keys');
  `)
    .execute(db);
}
