import type { Tx } from '@crm/db';
import '@crm/eventstore';
import { PersonEvent } from './events.ts';

// The genealogy of a person: where it came from and every merge, undo, link, unlink and
// invitation that touched it, who did it and when, read from the person's own event stream (the
// log is the record; no read model can drift from it). The entity registry shows it for persons.

export type GenealogyKind =
  | 'created'
  | 'merged'
  | 'merged_into'
  | 'merge_undone'
  | 'unmerged'
  | 'linked'
  | 'unlinked'
  | 'invited'
  | 'deleted';

export interface GenealogyEntry {
  kind: GenealogyKind;
  at: Date;
  /** Who: a user, an API key or the system, from the event's metadata. */
  actor: { type: string; id: string | number | null };
  /** The user behind the actor (an API key's owner too), when there is one. */
  actorUserId: number | null;
  source: string | null;
  /** The merge an entry belongs to (merged, merged_into, merge_undone, unmerged). */
  mergeId: string | null;
  /** The other persons: the duplicates of a merge, or the survivor this person was merged into. */
  personIds: string[];
  /** The platform user of a link, an unlink or an invitation. */
  userId: number | null;
  /** How a link came about: link_user, user_created or invitation. */
  via: string | null;
  /** The event's global position: a stable id for the entry. */
  position: string;
}

const KIND: Record<string, GenealogyKind> = {
  [PersonEvent.PersonCreated]: 'created',
  [PersonEvent.PersonAdded]: 'created',
  [PersonEvent.PersonsMerged]: 'merged',
  [PersonEvent.PersonMergedInto]: 'merged_into',
  [PersonEvent.PersonsMergeUndone]: 'merge_undone',
  [PersonEvent.PersonMergeReverted]: 'unmerged',
  [PersonEvent.PersonLinkedToUser]: 'linked',
  [PersonEvent.PersonUnlinkedFromUser]: 'unlinked',
  [PersonEvent.PersonInvited]: 'invited',
  [PersonEvent.PersonDeleted]: 'deleted',
};
/** Only these carry nothing personal: the creation events' data (name, email) is never read here. */
const READ_DATA = new Set<string>([
  PersonEvent.PersonsMerged,
  PersonEvent.PersonMergedInto,
  PersonEvent.PersonsMergeUndone,
  PersonEvent.PersonMergeReverted,
  PersonEvent.PersonLinkedToUser,
  PersonEvent.PersonUnlinkedFromUser,
  PersonEvent.PersonInvited,
]);

interface Data {
  merge_id?: string;
  duplicate_ids?: string[];
  into?: string;
  user_id?: number;
  via?: string;
}

/** Oldest first; empty for a person the tenant never had. */
export async function personGenealogy(tx: Tx, tenantId: string, personId: string): Promise<GenealogyEntry[]> {
  const rows = await tx
    .selectFrom('es_events')
    .select(['global_position', 'event_type', 'metadata', 'occurred_at'])
    .select((eb) =>
      eb
        .case()
        .when('event_type', 'in', [...READ_DATA])
        .then(eb.ref('data'))
        .else(null)
        .end()
        .as('data'),
    )
    .where('tenant_id', '=', tenantId)
    .where('stream_type', '=', 'person')
    .where('stream_id', '=', personId)
    .where('event_type', 'in', Object.keys(KIND))
    .orderBy('stream_version')
    .execute();
  return rows.map((r) => {
    const d = (r.data ?? {}) as Data;
    const m = (r.metadata ?? {}) as { actor?: { type?: string; id?: string | number | null }; userId?: unknown; source?: unknown };
    return {
      kind: KIND[r.event_type]!,
      at: r.occurred_at,
      actor: { type: m.actor?.type ?? 'system', id: m.actor?.id ?? null },
      actorUserId: typeof m.userId === 'number' ? m.userId : null,
      source: typeof m.source === 'string' ? m.source : null,
      mergeId: d.merge_id ?? null,
      personIds: d.duplicate_ids ?? (d.into ? [d.into] : []),
      userId: d.user_id ?? null,
      via: d.via ?? null,
      position: String(r.global_position),
    };
  });
}
