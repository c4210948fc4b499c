import type { Tx } from '@crm/db';
import type { EventStore, StoredEvent } from '@crm/eventstore';
import { sql } from 'kysely';
import type { CompaniesTable } from '../companies/tables.ts';
import { likeEscape } from '../shared/paging.ts';
import { type GenealogyEntry as PersonGenealogyEntry, personGenealogy } from '../people/genealogy.ts';
import type { PersonsTable } from '../people/tables.ts';
import '../companies/tables.ts';
import '../people/tables.ts';
import type { CanonicalState, EntityRef, RefHolder } from './decide.ts';
import { type EntityClass, isRegistryEvent, registryStream } from './events.ts';
import type { RegistryLinksTable } from './tables.ts';
import './tables.ts';
import { tenantRows } from '../shared/rows.ts';

// Reads of the registry. A canonical entity is a person or a company of the tenant: its name and
// email are the record's own (a company's email is `metadata.email`, see the README); the
// registry adds its links and, once merged, where it went.

export interface CanonicalRecord {
  id: string;
  entityClass: EntityClass;
  name: string;
  email: string | null;
  /** Where it was merged (by the registry, or a person merged by document 003's merge), else null. */
  mergedInto: string | null;
  createdAt: Date;
  updatedAt: Date;
  person: PersonsTable | null;
  company: CompaniesTable | null;
  /** Version of its registry stream; 0 before the registry ever wrote to it. */
  registryVersion: number;
}

const companyEmail = (metadata: unknown): string | null => {
  const e = metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as { email?: unknown }).email : null;
  return typeof e === 'string' ? e : null;
};

/** The person or company with this id (merged ones included: their id keeps resolving). */
export async function findCanonical(tx: Tx, tenantId: string, id: string): Promise<CanonicalRecord | undefined> {
  const [person, company, entry] = await Promise.all([
    tx.selectFrom('persons').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    tx.selectFrom('companies').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    tx.selectFrom('registry_entities').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  ]);
  const registryVersion = entry ? Number(entry.version) : 0;
  if (person) {
    return {
      id,
      entityClass: 'person',
      name: person.name,
      email: person.primary_email,
      // The people module owns a person's merge (and its undo); the registry's mark is for companies.
      mergedInto: person.merged_into,
      createdAt: person.created_at,
      updatedAt: person.updated_at,
      person,
      company: null,
      registryVersion,
    };
  }
  if (company) {
    return {
      id,
      entityClass: 'organization',
      name: company.name,
      email: companyEmail(company.metadata),
      mergedInto: entry?.merged_into ?? null,
      createdAt: company.created_at,
      updatedAt: company.updated_at,
      person: null,
      company,
      registryVersion,
    };
  }
  return undefined;
}

export async function linksOf(tx: Tx, tenantId: string, canonicalId: string): Promise<RegistryLinksTable[]> {
  return tenantRows(tx, tenantId, 'registry_links')
    .selectAll()
    .where('canonical_id', '=', canonicalId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findLink(tx: Tx, tenantId: string, linkId: string): Promise<RegistryLinksTable | undefined> {
  return tx.selectFrom('registry_links').selectAll().where('tenant_id', '=', tenantId).where('id', '=', linkId).executeTakeFirst();
}

export async function findLinkByRef(tx: Tx, tenantId: string, ref: EntityRef): Promise<RegistryLinksTable | undefined> {
  return tenantRows(tx, tenantId, 'registry_links')
    .selectAll()
    .where('app', '=', ref.app)
    .where('entity_type', '=', ref.entityType)
    .where('entity_id', '=', ref.entityId)
    .executeTakeFirst();
}

export async function refHolder(tx: Tx, tenantId: string, ref: EntityRef): Promise<RefHolder | null> {
  const l = await findLinkByRef(tx, tenantId, ref);
  return l ? { canonicalId: l.canonical_id, linkId: l.id } : null;
}

/** The registry's view of a canonical entity, for decide. */
export async function canonicalState(tx: Tx, tenantId: string, c: CanonicalRecord): Promise<CanonicalState> {
  const links = await linksOf(tx, tenantId, c.id);
  return {
    id: c.id,
    entityClass: c.entityClass,
    mergedInto: c.mergedInto,
    links: links.map((l) => ({ id: l.id, app: l.app, entityType: l.entity_type, entityId: l.entity_id })),
  };
}

/** A live person (by primary email) or company (by `metadata.email`) with this email, case-insensitively. */
export async function findCanonicalByEmail(tx: Tx, tenantId: string, entityClass: EntityClass, email: string): Promise<string | undefined> {
  const lower = email.toLowerCase();
  const { rows } =
    entityClass === 'person'
      ? await sql<{ id: string }>`select p.id from persons p
          where p.tenant_id = ${tenantId} and lower(p.primary_email) = ${lower} and p.merged_into is null
          order by p.created_at, p.id limit 1`.execute(tx)
      : await sql<{ id: string }>`select c.id from companies c
          left join registry_entities r on r.tenant_id = c.tenant_id and r.id = c.id
          where c.tenant_id = ${tenantId} and jsonb_typeof(c.metadata) = 'object' and lower(c.metadata->>'email') = ${lower}
            and r.merged_into is null
          order by c.created_at, c.id limit 1`.execute(tx);
  return rows[0]?.id;
}

export interface CanonicalSummaryRow {
  id: string;
  entity_class: EntityClass;
  name: string;
  email: string | null;
  created_at: Date;
  updated_at: Date;
  link_count: string;
}

export interface CanonicalFilters {
  entityClass?: EntityClass | undefined;
  /** Case-insensitive substring of the name or the email. */
  q?: string | undefined;
  /** Only entities with a link in this app. */
  app?: string | undefined;
}

/** Live canonical entities (persons and companies not merged away), as one relation. */
function canonicals(tenantId: string) {
  return sql`(
    select p.id, 'person'::text as entity_class, p.name, p.primary_email as email, p.created_at, p.updated_at
      from persons p where p.tenant_id = ${tenantId} and p.merged_into is null
    union all
    select c.id, 'organization'::text, c.name,
           case when jsonb_typeof(c.metadata) = 'object' then c.metadata->>'email' end, c.created_at, c.updated_at
      from companies c left join registry_entities r on r.tenant_id = c.tenant_id and r.id = c.id
      where c.tenant_id = ${tenantId} and r.merged_into is null
  )`;
}

function where(f: CanonicalFilters, tenantId: string) {
  const parts = [sql`true`];
  if (f.entityClass) parts.push(sql`k.entity_class = ${f.entityClass}`);
  if (f.q) {
    const like = `%${likeEscape(f.q)}%`;
    parts.push(sql`(k.name ilike ${like} or coalesce(k.email, '') ilike ${like})`);
  }
  if (f.app) {
    parts.push(sql`exists (select 1 from registry_links l where l.tenant_id = ${tenantId} and l.canonical_id = k.id and l.app = ${f.app})`);
  }
  return sql.join(parts, sql` and `);
}

const linkCount = (tenantId: string) =>
  sql`(select count(*) from registry_links l where l.tenant_id = ${tenantId} and l.canonical_id = k.id)`;

/** A page of live canonical entities, oldest first, and how many match. */
export async function listCanonicals(tx: Tx, tenantId: string, f: CanonicalFilters, page: number, limit: number) {
  const [rows, total] = await Promise.all([
    sql<CanonicalSummaryRow>`select k.*, ${linkCount(tenantId)} as link_count from ${canonicals(tenantId)} k
      where ${where(f, tenantId)} order by k.created_at, k.id limit ${limit} offset ${(page - 1) * limit}`.execute(tx),
    sql<{ n: string }>`select count(*) as n from ${canonicals(tenantId)} k where ${where(f, tenantId)}`.execute(tx),
  ]);
  return { rows: rows.rows, total: Number(total.rows[0]!.n) };
}

/** Best matches first: an exact email, then names starting with the query, then the rest by name. */
export async function searchCanonicals(tx: Tx, tenantId: string, f: CanonicalFilters & { q: string }, limit: number) {
  const prefix = `${likeEscape(f.q)}%`;
  const { rows } = await sql<CanonicalSummaryRow>`select k.*, ${linkCount(tenantId)} as link_count from ${canonicals(tenantId)} k
    where ${where(f, tenantId)}
    order by (lower(coalesce(k.email, '')) = lower(${f.q})) desc, (k.name ilike ${prefix}) desc, lower(k.name), k.id
    limit ${limit}`.execute(tx);
  return rows;
}

/** This id and every id merged into it, however many merges ago (their facts are this entity's). */
export async function lineageOf(tx: Tx, tenantId: string, canonicalId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`with recursive merged as (
      select id, merged_into from registry_entities
       where tenant_id = ${tenantId} and entity_class = 'organization' and merged_into is not null
      union all
      select id, merged_into from persons where tenant_id = ${tenantId} and merged_into is not null
    ), lineage(id) as (
      select ${canonicalId}::uuid
      union
      select m.id from merged m join lineage l on m.merged_into = l.id
    ) select id from lineage`.execute(tx);
  return rows.map((r) => r.id);
}

export type GenealogyAction =
  | 'created'
  | 'registered'
  | 'linked'
  | 'unlinked'
  | 'merged_into'
  | 'absorbed'
  | 'merge_undone'
  | 'unmerged'
  | 'user_linked'
  | 'user_unlinked'
  | 'invited'
  | 'deleted';

export interface GenealogyEntry {
  at: Date;
  action: GenealogyAction;
  /** Which history told it: the registry's stream, or the person's own (people module). */
  origin: 'registry' | 'people';
  canonicalId: string;
  actor: { type: string; id: string | number | null } | null;
  source: string | null;
  link: { id: string; app: string; entityType: string; entityId: string; via: string | null } | null;
  /** The other entities of a merge, or where a moved link came from or went. */
  otherCanonicalIds: string[];
  /** The person merge an entry belongs to (undo goes by it). */
  mergeId: string | null;
  /** The platform user of a user link, unlink or invitation. */
  userId: number | null;
  position: string;
}

const actorOf = (e: StoredEvent) => (e.metadata.actor ? { type: e.metadata.actor.type, id: e.metadata.actor.id } : null);

function entryOf(e: StoredEvent): GenealogyEntry | null {
  const base = {
    at: e.occurredAt,
    origin: 'registry' as const,
    canonicalId: e.streamId,
    actor: actorOf(e),
    source: e.metadata.source,
    position: e.globalPosition,
    mergeId: null,
    userId: null,
  };
  const none = { link: null, otherCanonicalIds: [] };
  if (isRegistryEvent(e, 'CanonicalRegistered')) return { ...base, ...none, action: 'registered' };
  if (isRegistryEvent(e, 'EntityLinked')) {
    const d = e.data;
    return {
      ...base,
      action: 'linked',
      link: { id: d.link_id, app: d.app, entityType: d.entity_type, entityId: d.entity_id, via: d.via },
      otherCanonicalIds: d.from_canonical_id ? [d.from_canonical_id] : [],
    };
  }
  if (isRegistryEvent(e, 'EntityUnlinked')) {
    const d = e.data;
    return {
      ...base,
      action: 'unlinked',
      link: { id: d.link_id, app: d.app, entityType: d.entity_type, entityId: d.entity_id, via: null },
      otherCanonicalIds: d.moved_to ? [d.moved_to] : [],
    };
  }
  if (isRegistryEvent(e, 'CanonicalMerged')) return { ...base, link: null, action: 'merged_into', otherCanonicalIds: [e.data.winner_id] };
  if (isRegistryEvent(e, 'CanonicalAbsorbed')) return { ...base, link: null, action: 'absorbed', otherCanonicalIds: [e.data.loser_id] };
  return null;
}

const PERSON_ACTIONS: Record<PersonGenealogyEntry['kind'], GenealogyAction> = {
  created: 'created',
  merged: 'absorbed',
  merged_into: 'merged_into',
  merge_undone: 'merge_undone',
  unmerged: 'unmerged',
  linked: 'user_linked',
  unlinked: 'user_unlinked',
  invited: 'invited',
  deleted: 'deleted',
};

/**
 * Every step of an entity's journey, oldest first, with who did it, when and through which face.
 * A person's own history (created, merges and their undo, user links, invitations) comes from the
 * people module's genealogy; a company's creation from its stream; then every register, link,
 * unlink (and, for companies, merge) the registry recorded.
 */
export async function registryGenealogy(tx: Tx, store: EventStore, tenantId: string, c: CanonicalRecord): Promise<GenealogyEntry[]> {
  const registry = await store.readStream(tx, tenantId, registryStream(c.id));
  const entries: GenealogyEntry[] = [];
  if (c.entityClass === 'person') {
    for (const p of await personGenealogy(tx, tenantId, c.id)) {
      entries.push({
        at: p.at,
        action: PERSON_ACTIONS[p.kind],
        origin: 'people',
        canonicalId: c.id,
        actor: p.actor,
        source: p.source,
        link: null,
        otherCanonicalIds: p.personIds,
        mergeId: p.mergeId,
        userId: p.userId,
        position: p.position,
      });
    }
  } else {
    const [first] = await store.readStream(tx, tenantId, { type: 'company', id: c.id });
    if (first) {
      entries.push({
        at: first.occurredAt,
        action: 'created',
        origin: 'registry',
        canonicalId: c.id,
        actor: actorOf(first),
        source: first.metadata.source,
        link: null,
        otherCanonicalIds: [],
        mergeId: null,
        userId: null,
        position: first.globalPosition,
      });
    }
  }
  for (const e of registry) {
    // A person's merges are told by the people module (with their undo); the registry's own
    // merge events say the same, so only a company's are shown.
    if (c.entityClass === 'person' && (isRegistryEvent(e, 'CanonicalMerged') || isRegistryEvent(e, 'CanonicalAbsorbed'))) continue;
    const entry = entryOf(e);
    if (entry) entries.push(entry);
  }
  return entries.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : BigInt(a.position) > BigInt(b.position) ? 1 : 0));
}
