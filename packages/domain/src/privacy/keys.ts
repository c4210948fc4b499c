import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { newSubjectKey } from './seal.ts';

// The per-subject keys (migration 0018). A key is made the first time a subject's personal data
// is written and destroyed by erasure; the row stays, keyless, to refuse later personal writes.
// Queries go through the caller's transaction, so row-level security scopes a tenant's reads.

export interface SubjectKeysTable {
  tenant_id: string;
  subject_type: string;
  subject_id: string;
  key: Uint8Array | null;
  created_at: Date;
  erased_at: Date | null;
}

declare module '@crm/db' {
  interface Database {
    subject_keys: SubjectKeysTable;
  }
}

export interface Subject {
  tenantId: string;
  subjectType: string;
  subjectId: string;
}

export const subjectKey = (s: Subject) => `${s.tenantId}/${s.subjectType}/${s.subjectId}`;

const asBuffer = (k: Uint8Array | null): Buffer | null => (k ? Buffer.from(k.buffer, k.byteOffset, k.byteLength) : null);

/** The subject's key, made now if it has none; null once the subject is erased. One round trip. */
export async function keyForWrite(tx: Tx, s: Subject): Promise<Buffer | null> {
  const { rows } = await sql<{ key: Uint8Array | null }>`with made as (
      insert into subject_keys (tenant_id, subject_type, subject_id, key)
      values (${s.tenantId}::uuid, ${s.subjectType}, ${s.subjectId}, decode(${newSubjectKey().toString('hex')}, 'hex'))
      on conflict do nothing returning key)
    select key from made
    union all
    select key from subject_keys where tenant_id = ${s.tenantId}::uuid and subject_type = ${s.subjectType} and subject_id = ${s.subjectId}`.execute(
    tx,
  );
  if (rows[0]) return asBuffer(rows[0].key);
  // No row at all: another transaction made this subject's key and committed while this statement
  // ran (the insert waited for it, but the statement's snapshot saw neither). Two first writes of
  // one subject race like that (two first chat messages of one author, in two channels); under
  // READ COMMITTED a new statement sees the committed key.
  const again = await sql<{ key: Uint8Array | null }>`select key from subject_keys
    where tenant_id = ${s.tenantId}::uuid and subject_type = ${s.subjectType} and subject_id = ${s.subjectId}`.execute(tx);
  if (!again.rows[0]) throw new Error(`subject key ${subjectKey(s)} is neither made nor found`);
  return asBuffer(again.rows[0].key);
}

/** Keys of many subjects in one query; a subject without a row or with an erased key maps to null. */
export async function keysFor(tx: Tx, subjects: Subject[]): Promise<Map<string, Buffer | null>> {
  const found = new Map<string, Buffer | null>();
  if (subjects.length === 0) return found;
  const { rows } = await sql<{ tenant_id: string; subject_type: string; subject_id: string; key: Uint8Array | null }>`select
      k.tenant_id::text as tenant_id, k.subject_type, k.subject_id, k.key
    from unnest(${subjects.map((s) => s.tenantId)}::uuid[], ${subjects.map((s) => s.subjectType)}::text[],
      ${subjects.map((s) => s.subjectId)}::text[]) as wanted(tenant_id, subject_type, subject_id)
    join subject_keys k using (tenant_id, subject_type, subject_id)`.execute(tx);
  for (const s of subjects) found.set(subjectKey(s), null);
  for (const r of rows)
    found.set(subjectKey({ tenantId: r.tenant_id, subjectType: r.subject_type, subjectId: r.subject_id }), asBuffer(r.key));
  return found;
}

/** The subject's key row, locked for the erasure deciding on it. */
export async function lockSubjectKey(tx: Tx, s: Subject): Promise<{ erased_at: Date | null; has_key: boolean } | undefined> {
  return tx
    .selectFrom('subject_keys')
    .select(['erased_at', sql<boolean>`key is not null`.as('has_key')])
    .where('tenant_id', '=', s.tenantId)
    .where('subject_type', '=', s.subjectType)
    .where('subject_id', '=', s.subjectId)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Destroys the key: the crypto-shredding itself. A subject that never had one (its events predate
 * sealing) gets a keyless row, so personal data written for it later is refused as well.
 */
export async function destroyKey(tx: Tx, s: Subject, at: Date): Promise<void> {
  await sql`insert into subject_keys (tenant_id, subject_type, subject_id, key, erased_at)
    values (${s.tenantId}::uuid, ${s.subjectType}, ${s.subjectId}, null, ${at})
    on conflict (tenant_id, subject_type, subject_id) do update set key = null, erased_at = excluded.erased_at`.execute(tx);
}
