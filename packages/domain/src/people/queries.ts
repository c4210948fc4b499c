import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { notFound } from '../shared/errors.ts';
import { likeEscape, pageOldestFirst } from '../shared/paging.ts';
import type { PersonsTable } from './tables.ts';
import './tables.ts';
import { tenantRows } from '../shared/rows.ts';

/** A person as document 003 shows it: merged-away persons are not shown. */
export async function findPerson(tx: Tx, tenantId: string, personId: string): Promise<PersonsTable | undefined> {
  return tenantRows(tx, tenantId, 'persons').selectAll().where('id', '=', personId).where('merged_into', 'is', null).executeTakeFirst();
}

export interface PersonFilters {
  lifecycleStage?: string | undefined;
  ownerUserId?: number | undefined;
  organizationId?: string | undefined;
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  /** Persons whose metadata is an object with this key. */
  metadataKey?: string | undefined;
  /** Case-insensitive substring of the name. */
  name?: string | undefined;
}

/** A page of persons, oldest first (a stable order for page numbers), and how many match. */
export async function listPersons(tx: Tx, tenantId: string, f: PersonFilters, page: number, pageSize: number) {
  let q = tx.selectFrom('persons').where('tenant_id', '=', tenantId).where('merged_into', 'is', null);
  if (f.lifecycleStage) q = q.where('lifecycle_stage', '=', f.lifecycleStage);
  if (f.ownerUserId !== undefined) q = q.where('owner_user_id', '=', f.ownerUserId);
  if (f.organizationId) q = q.where('organization_id', '=', f.organizationId);
  if (f.createdFrom) q = q.where('created_at', '>=', new Date(f.createdFrom));
  if (f.createdTo) q = q.where('created_at', '<=', new Date(f.createdTo));
  if (f.metadataKey !== undefined) q = q.where(sql<boolean>`jsonb_typeof(metadata) = 'object' and metadata ? ${f.metadataKey}`);
  if (f.name) q = q.where(sql<boolean>`name ilike ${`%${likeEscape(f.name)}%`}`);
  return pageOldestFirst(q, page, pageSize);
}

export const notFoundPerson = (personId: string) => notFound('person', personId);

/** A person whatever became of them: a merged-away person too (inactive, `merged_into` set). */
export async function resolvePerson(tx: Tx, tenantId: string, personId: string): Promise<PersonsTable | undefined> {
  return tx.selectFrom('persons').selectAll().where('tenant_id', '=', tenantId).where('id', '=', personId).executeTakeFirst();
}

/** The merges a person took part in, as primary or duplicate, newest first. */
export async function mergesOfPerson(tx: Tx, tenantId: string, personId: string) {
  return tenantRows(tx, tenantId, 'person_merges')
    .selectAll()
    .where((eb) => eb.or([eb('primary_id', '=', personId), sql<boolean>`duplicate_ids @> ${JSON.stringify([personId])}::jsonb`]))
    .orderBy('merged_at', 'desc')
    .orderBy('id')
    .execute();
}
