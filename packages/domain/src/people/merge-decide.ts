import { dealEvent, type DealEvent } from '../pipeline/deals/events.ts';
import { DomainError } from '../shared/errors.ts';
import { type MergeMove, type PersonEvent, personEvent } from './events.ts';

// Merging persons, pure: which persons, their deal-contact links and the deals' activity counts
// in; the events of every stream the merge (or its undo) touches out. In our model a person is
// related to deals only through deal-contact links (activities belong to a deal, tags to a
// company), so the links are what moves; the deals and their activities follow them.

/** A person as the merge checks it. */
export interface MergeCandidate {
  id: string;
  merged_into: string | null;
  platform_user_id: number | null;
}

/** One deal-contact link. `created_at` is ISO text, as events carry it. */
export interface ContactLink {
  contact_id: string;
  deal_id: string;
  person_id: string;
  role: string;
  created_at: string;
}

/** Per-relation counts, as document 003's `reparented` shows them. */
export type Counts = Record<string, number>;

/** Refusals that need no database: the request names its persons badly. */
export function checkMergeRequest(primaryId: string, duplicateIds: readonly string[]): void {
  if (duplicateIds.length === 0) throw new DomainError('invalid', 'no_duplicates', 'duplicate_ids must name at least one person');
  if (duplicateIds.includes(primaryId)) {
    throw new DomainError('invalid', 'primary_in_duplicates', 'primary_id may not appear in duplicate_ids', { field: 'duplicate_ids' });
  }
  const repeated = duplicateIds.filter((id, i) => duplicateIds.indexOf(id) !== i);
  if (repeated.length > 0) {
    throw new DomainError('invalid', 'duplicate_ids_repeated', 'duplicate_ids names a person more than once', {
      field: 'duplicate_ids',
      ids: [...new Set(repeated)],
    });
  }
}

/**
 * Refusals once the persons are loaded (locked): an unknown primary is a 404 as document 003
 * says; duplicates that are not persons of this tenant (unknown or another tenant's: the two are
 * not told apart) or already merged away are a 400.
 */
export function checkMergeCandidates(primaryId: string, duplicateIds: readonly string[], found: ReadonlyMap<string, MergeCandidate>): void {
  const primary = found.get(primaryId);
  if (!primary) throw new DomainError('not_found', 'person_not_found', `person ${primaryId} not found`);
  if (primary.merged_into !== null) {
    throw new DomainError(
      'invalid',
      'primary_merged',
      `person ${primaryId} was merged into ${primary.merged_into}; merge into that person`,
      {
        field: 'primary_id',
        merged_into: primary.merged_into,
      },
    );
  }
  const unknown = duplicateIds.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    throw new DomainError('invalid', 'persons_not_found', 'duplicate_ids names persons that are not persons of your platform', {
      field: 'duplicate_ids',
      ids: unknown,
    });
  }
  const merged = duplicateIds.filter((id) => found.get(id)!.merged_into !== null);
  if (merged.length > 0) {
    throw new DomainError('invalid', 'person_already_merged', 'duplicate_ids names persons already merged into another', {
      field: 'duplicate_ids',
      ids: merged,
    });
  }
}

/** The events a merge or its undo appends, by stream: deals, the primary, each duplicate. */
export interface MergeAppends {
  /** One DealContactsReparented per (deal, duplicate) whose links it moves. */
  dealEvents: Array<{ dealId: string; event: DealEvent }>;
  primaryEvents: PersonEvent[];
  duplicateEvents: Array<{ personId: string; events: PersonEvent[] }>;
}

export interface MergePlan extends MergeAppends {
  moves: MergeMove[];
  reparented: Counts;
}

/**
 * What the merge moves. A duplicate's link to a deal the primary is not on yet is re-pointed at
 * the primary; a link to a deal the primary is already on (or reached through an earlier
 * duplicate) is dropped, so no deal names the primary twice, and the dropped link is recorded
 * (id, role, creation time) so an undo brings it back as it was.
 */
export function planMerge(
  mergeId: string,
  primary: MergeCandidate,
  duplicates: readonly MergeCandidate[],
  links: readonly ContactLink[],
  activitiesPerDeal: ReadonlyMap<string, number>,
): MergePlan {
  const primaryOn = new Set(links.filter((l) => l.person_id === primary.id).map((l) => l.deal_id));
  const moves: MergeMove[] = [];
  const dealEvents: MergePlan['dealEvents'] = [];
  const movedDeals = new Set<string>();
  const touchedDeals = new Set<string>();
  let moved = 0;
  let removed = 0;
  for (const dup of duplicates) {
    const own = links.filter((l) => l.person_id === dup.id).sort((a, b) => a.deal_id.localeCompare(b.deal_id));
    const byDeal = new Map<string, ContactLink[]>();
    for (const l of own) byDeal.set(l.deal_id, [...(byDeal.get(l.deal_id) ?? []), l]);
    for (const [dealId, dealLinks] of byDeal) {
      const move: MergeMove = { deal_id: dealId, from_person_id: dup.id, moved: [], removed: [] };
      for (const l of dealLinks) {
        if (primaryOn.has(dealId)) {
          move.removed.push({ contact_id: l.contact_id, role: l.role, created_at: l.created_at });
        } else {
          move.moved.push(l.contact_id);
          primaryOn.add(dealId);
          movedDeals.add(dealId);
        }
      }
      touchedDeals.add(dealId);
      moved += move.moved.length;
      removed += move.removed.length;
      moves.push(move);
      dealEvents.push({
        dealId,
        event: dealEvent('DealContactsReparented', {
          merge_id: mergeId,
          undo: false,
          from_person_id: dup.id,
          to_person_id: primary.id,
          moved: move.moved,
          removed: move.removed.map(({ contact_id, role }) => ({ contact_id, role })),
          restored: [],
        }),
      });
    }
  }
  let activities = 0;
  for (const d of movedDeals) activities += activitiesPerDeal.get(d) ?? 0;
  const reparented: Counts = {
    deals: touchedDeals.size,
    deal_contacts: moved,
    deal_contacts_merged: removed,
    activities,
    tags: 0,
  };
  const duplicateIds = duplicates.map((d) => d.id);
  return {
    moves,
    reparented,
    dealEvents,
    primaryEvents: [personEvent('PersonsMerged', { merge_id: mergeId, duplicate_ids: duplicateIds, moves, reparented })],
    duplicateEvents: duplicates.map((d) => ({
      personId: d.id,
      events: [personEvent('PersonMergedInto', { merge_id: mergeId, into: primary.id, was_active: d.platform_user_id === null })],
    })),
  };
}

/** A merge as its read model keeps it. */
export interface MergeRecord {
  id: string;
  primary_id: string;
  duplicate_ids: string[];
  moves: MergeMove[];
  undone_at: Date | null;
}

export interface UndoPlan extends MergeAppends {
  restored: Counts;
}

/**
 * Moves back exactly what the merge moved, as far as it still exists: links it re-pointed that
 * still name the primary go back to their duplicate; links it dropped come back with their id and
 * role unless the duplicate is on that deal again. What happened to the primary since (a rename,
 * new deals, new links) stays. Deals deleted since and links detached since are skipped, counted.
 */
export function planUndo(
  merge: MergeRecord,
  primary: MergeCandidate,
  duplicates: readonly MergeCandidate[],
  /** Every current link of the deals the merge touched. */
  links: readonly ContactLink[],
  liveDeals: ReadonlySet<string>,
): UndoPlan {
  if (merge.undone_at !== null) throw new DomainError('conflict', 'merge_already_undone', `merge ${merge.id} was already undone`);
  if (primary.merged_into !== null) {
    throw new DomainError(
      'conflict',
      'primary_merged_since',
      `person ${primary.id} was merged into ${primary.merged_into} since; undo that merge first`,
      { merged_into: primary.merged_into },
    );
  }
  const elsewhere = duplicates.filter((d) => d.merged_into !== primary.id);
  if (elsewhere.length > 0) {
    throw new DomainError('conflict', 'duplicate_changed_since', 'a duplicate of this merge is no longer merged into its primary', {
      ids: elsewhere.map((d) => d.id),
    });
  }
  const byId = new Map(links.map((l) => [l.contact_id, l]));
  const dealEvents: UndoPlan['dealEvents'] = [];
  const deals = new Set<string>();
  let back = 0;
  let restored = 0;
  let skipped = 0;
  for (const move of merge.moves) {
    if (!liveDeals.has(move.deal_id)) {
      skipped += move.moved.length + move.removed.length;
      continue;
    }
    const dupOn = () => links.some((l) => l.deal_id === move.deal_id && l.person_id === move.from_person_id);
    const moveBack = move.moved.filter((id) => byId.get(id)?.person_id === merge.primary_id && !dupOn());
    // A duplicate has at most one link per deal (a unique index), so each move holds one link.
    const bringBack = move.removed.filter((r) => !byId.has(r.contact_id) && !dupOn());
    skipped += move.moved.length - moveBack.length + move.removed.length - bringBack.length;
    if (moveBack.length === 0 && bringBack.length === 0) continue;
    back += moveBack.length;
    restored += bringBack.length;
    deals.add(move.deal_id);
    dealEvents.push({
      dealId: move.deal_id,
      event: dealEvent('DealContactsReparented', {
        merge_id: merge.id,
        undo: true,
        from_person_id: merge.primary_id,
        to_person_id: move.from_person_id,
        moved: moveBack,
        removed: [],
        restored: bringBack,
      }),
    });
  }
  const counts: Counts = { deals: deals.size, deal_contacts: back, deal_contacts_merged: restored, skipped };
  return {
    restored: counts,
    dealEvents,
    primaryEvents: [personEvent('PersonsMergeUndone', { merge_id: merge.id, duplicate_ids: merge.duplicate_ids, restored: counts })],
    duplicateEvents: duplicates.map((d) => ({
      personId: d.id,
      // Document 003: inactive while bound to a platform user, so that binding decides.
      events: [personEvent('PersonMergeReverted', { merge_id: merge.id, active: d.platform_user_id === null })],
    })),
  };
}
