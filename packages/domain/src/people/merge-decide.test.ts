import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import {
  type ContactLink,
  checkMergeCandidates,
  checkMergeRequest,
  type MergeCandidate,
  type MergeRecord,
  planMerge,
  planUndo,
} from './merge-decide.ts';

// Given persons and their deal-contact links, when a merge (or its undo) is decided, then these
// events on these streams, or this refusal.

const u = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const P = u(1); // primary
const D1 = u(2);
const D2 = u(3);
const DEAL_A = u(100); // D1 only
const DEAL_B = u(101); // P and D1
const DEAL_C = u(102); // D1 and D2
const MERGE = u(900);
const T = '2026-01-01T00:00:00.000Z';

const person = (id: string, extra: Partial<MergeCandidate> = {}): MergeCandidate => ({
  id,
  merged_into: null,
  platform_user_id: null,
  ...extra,
});
const link = (contact: number, deal: string, personId: string, role = 'champion'): ContactLink => ({
  contact_id: u(contact),
  deal_id: deal,
  person_id: personId,
  role,
  created_at: T,
});
const links = [
  link(200, DEAL_A, D1),
  link(201, DEAL_B, P),
  link(202, DEAL_B, D1, 'buyer'),
  link(203, DEAL_C, D1),
  link(204, DEAL_C, D2, 'user'),
];
const activities = new Map([
  [DEAL_A, 3],
  [DEAL_B, 5],
  [DEAL_C, 7],
]);

function refusal(f: () => unknown): { kind: string; code: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return { kind: e.kind, code: e.code };
    throw e;
  }
  throw new Error('not refused');
}

describe('merge decisions', () => {
  it('refuses badly named persons before reading anything', () => {
    expect(refusal(() => checkMergeRequest(P, []))).toEqual({ kind: 'invalid', code: 'no_duplicates' });
    expect(refusal(() => checkMergeRequest(P, [D1, P]))).toEqual({ kind: 'invalid', code: 'primary_in_duplicates' });
    expect(refusal(() => checkMergeRequest(P, [D1, D2, D1]))).toEqual({ kind: 'invalid', code: 'duplicate_ids_repeated' });
    expect(() => checkMergeRequest(P, [D1, D2])).not.toThrow();
  });

  it('refuses an unknown primary (404), unknown or already merged duplicates (400)', () => {
    const found = new Map([
      [P, person(P)],
      [D1, person(D1)],
      [D2, person(D2, { merged_into: u(50) })],
    ]);
    expect(refusal(() => checkMergeCandidates(u(60), [D1], found))).toEqual({ kind: 'not_found', code: 'person_not_found' });
    expect(refusal(() => checkMergeCandidates(P, [D1, u(61)], found))).toEqual({ kind: 'invalid', code: 'persons_not_found' });
    expect(refusal(() => checkMergeCandidates(P, [D2], found))).toEqual({ kind: 'invalid', code: 'person_already_merged' });
    expect(refusal(() => checkMergeCandidates(D2, [D1], found))).toEqual({ kind: 'invalid', code: 'primary_merged' });
  });

  it('re-points links to deals the primary is not on, drops (and records) links to deals it is on', () => {
    const plan = planMerge(MERGE, person(P), [person(D1), person(D2, { platform_user_id: 9 })], links, activities);
    expect(plan.reparented).toEqual({ deals: 3, deal_contacts: 2, deal_contacts_merged: 2, activities: 3 + 7, tags: 0 });
    // D1 on A and C moves; on B the primary is already there: dropped. D2 on C comes after D1 moved there: dropped.
    expect(plan.dealEvents).toEqual([
      {
        dealId: DEAL_A,
        event: {
          type: 'DealContactsReparented',
          data: { merge_id: MERGE, undo: false, from_person_id: D1, to_person_id: P, moved: [u(200)], removed: [], restored: [] },
        },
      },
      {
        dealId: DEAL_B,
        event: {
          type: 'DealContactsReparented',
          data: {
            merge_id: MERGE,
            undo: false,
            from_person_id: D1,
            to_person_id: P,
            moved: [],
            removed: [{ contact_id: u(202), role: 'buyer' }],
            restored: [],
          },
        },
      },
      {
        dealId: DEAL_C,
        event: {
          type: 'DealContactsReparented',
          data: { merge_id: MERGE, undo: false, from_person_id: D1, to_person_id: P, moved: [u(203)], removed: [], restored: [] },
        },
      },
      {
        dealId: DEAL_C,
        event: {
          type: 'DealContactsReparented',
          data: {
            merge_id: MERGE,
            undo: false,
            from_person_id: D2,
            to_person_id: P,
            moved: [],
            removed: [{ contact_id: u(204), role: 'user' }],
            restored: [],
          },
        },
      },
    ]);
    expect(plan.primaryEvents).toEqual([
      { type: 'PersonsMerged', data: { merge_id: MERGE, duplicate_ids: [D1, D2], moves: plan.moves, reparented: plan.reparented } },
    ]);
    expect(plan.moves[1]!.removed).toEqual([{ contact_id: u(202), role: 'buyer', created_at: T }]);
    expect(plan.duplicateEvents).toEqual([
      { personId: D1, events: [{ type: 'PersonMergedInto', data: { merge_id: MERGE, into: P, was_active: true } }] },
      { personId: D2, events: [{ type: 'PersonMergedInto', data: { merge_id: MERGE, into: P, was_active: false } }] },
    ]);
  });

  it('a duplicate with no links moves nothing and is still merged', () => {
    const plan = planMerge(MERGE, person(P), [person(u(7))], links, activities);
    expect(plan.dealEvents).toEqual([]);
    expect(plan.reparented).toEqual({ deals: 0, deal_contacts: 0, deal_contacts_merged: 0, activities: 0, tags: 0 });
    expect(plan.duplicateEvents).toHaveLength(1);
  });
});

describe('undo decisions', () => {
  const merged = planMerge(MERGE, person(P), [person(D1), person(D2)], links, activities);
  const record: MergeRecord = { id: MERGE, primary_id: P, duplicate_ids: [D1, D2], moves: merged.moves, undone_at: null };
  const dups = [person(D1, { merged_into: P }), person(D2, { merged_into: P, platform_user_id: 4 })];
  /** The links after the merge, plus a deal the primary joined since. */
  const after = [{ ...link(200, DEAL_A, P) }, link(201, DEAL_B, P), { ...link(203, DEAL_C, P) }, link(205, u(103), P)];
  const live = new Set([DEAL_A, DEAL_B, DEAL_C, u(103)]);

  it('moves back what the merge moved, brings back what it dropped, leaves what came later', () => {
    const plan = planUndo(record, person(P), dups, after, live);
    expect(plan.restored).toEqual({ deals: 3, deal_contacts: 2, deal_contacts_merged: 2, skipped: 0 });
    expect(plan.dealEvents.map((e) => [e.dealId, e.event.data])).toEqual([
      [DEAL_A, { merge_id: MERGE, undo: true, from_person_id: P, to_person_id: D1, moved: [u(200)], removed: [], restored: [] }],
      [
        DEAL_B,
        {
          merge_id: MERGE,
          undo: true,
          from_person_id: P,
          to_person_id: D1,
          moved: [],
          removed: [],
          restored: [{ contact_id: u(202), role: 'buyer', created_at: T }],
        },
      ],
      [DEAL_C, { merge_id: MERGE, undo: true, from_person_id: P, to_person_id: D1, moved: [u(203)], removed: [], restored: [] }],
      [
        DEAL_C,
        {
          merge_id: MERGE,
          undo: true,
          from_person_id: P,
          to_person_id: D2,
          moved: [],
          removed: [],
          restored: [{ contact_id: u(204), role: 'user', created_at: T }],
        },
      ],
    ]);
    expect(plan.duplicateEvents).toEqual([
      { personId: D1, events: [{ type: 'PersonMergeReverted', data: { merge_id: MERGE, active: true } }] },
      // Still bound to a platform user: document 003 keeps it inactive.
      { personId: D2, events: [{ type: 'PersonMergeReverted', data: { merge_id: MERGE, active: false } }] },
    ]);
    expect(plan.primaryEvents[0]!.type).toBe('PersonsMergeUndone');
  });

  it('skips what is gone since: a deleted deal, a detached link', () => {
    const plan = planUndo(
      record,
      person(P),
      dups,
      after.filter((l) => l.contact_id !== u(203)),
      new Set([DEAL_B, DEAL_C]),
    );
    expect(plan.restored).toEqual({ deals: 2, deal_contacts: 0, deal_contacts_merged: 2, skipped: 2 });
  });

  it('refuses a second undo, and an undo after the primary was merged away', () => {
    expect(refusal(() => planUndo({ ...record, undone_at: new Date() }, person(P), dups, after, live))).toEqual({
      kind: 'conflict',
      code: 'merge_already_undone',
    });
    expect(refusal(() => planUndo(record, person(P, { merged_into: u(77) }), dups, after, live))).toEqual({
      kind: 'conflict',
      code: 'primary_merged_since',
    });
  });
});
