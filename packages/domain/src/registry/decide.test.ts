import { describe, expect, it } from 'vitest';
import type { DomainError } from '../shared/errors.ts';
import { type CanonicalState, linkEntity, mergeCanonicals, registerCanonical, unlinkEntity } from './decide.ts';

// Given the canonical entities as the registry knows them, when a command is decided, then these
// events (or this refusal).

const [p1, p2, o1] = [
  '00000000-0000-4000-8000-0000000000a1',
  '00000000-0000-4000-8000-0000000000a2',
  '00000000-0000-4000-8000-0000000000b1',
];
const [l1, l2, l3] = [
  '00000000-0000-4000-8000-0000000000c1',
  '00000000-0000-4000-8000-0000000000c2',
  '00000000-0000-4000-8000-0000000000c3',
];
const lead = { app: 'sales', entityType: 'lead', entityId: '42' };
const ticket = { app: 'support', entityType: 'ticket', entityId: 'T-7' };

const person = (id: string, extra: Partial<CanonicalState> = {}): CanonicalState => ({
  id,
  entityClass: 'person',
  mergedInto: null,
  links: [],
  ...extra,
});
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return [(e as DomainError).kind, (e as DomainError).code];
  }
  throw new Error('expected a refusal');
};

describe('registry decisions', () => {
  it('registers a canonical entity with its first link', () => {
    expect(registerCanonical({ canonicalId: p1, entityClass: 'person', via: 'register', linkId: l1, ref: lead }, null)).toEqual([
      { type: 'CanonicalRegistered', data: { canonical_id: p1, entity_class: 'person', via: 'register' } },
      {
        type: 'EntityLinked',
        data: {
          link_id: l1,
          canonical_id: p1,
          entity_class: 'person',
          app: 'sales',
          entity_type: 'lead',
          entity_id: '42',
          via: 'register',
          from_canonical_id: null,
        },
      },
    ]);
  });

  it('refuses a reference another entity (or this one) already holds, naming the holder', () => {
    const holder = { canonicalId: p2, linkId: l2 };
    expect(
      refusal(() => registerCanonical({ canonicalId: p1, entityClass: 'person', via: 'register', linkId: l1, ref: lead }, holder)),
    ).toEqual(['conflict', 'entity_already_linked']);
    expect(refusal(() => linkEntity(person(p1), { linkId: l1, ref: lead, via: 'link' }, holder))).toEqual([
      'conflict',
      'entity_already_linked',
    ]);
    expect(refusal(() => linkEntity(person(p1), { linkId: l1, ref: lead, via: 'link' }, { canonicalId: p1, linkId: l3 }))).toEqual([
      'conflict',
      'entity_already_linked',
    ]);
  });

  it('links a free reference to a live entity, and refuses a merged one', () => {
    expect(linkEntity(person(p1), { linkId: l1, ref: ticket, via: 'auto_link' }, null)).toEqual([
      {
        type: 'EntityLinked',
        data: {
          link_id: l1,
          canonical_id: p1,
          entity_class: 'person',
          app: 'support',
          entity_type: 'ticket',
          entity_id: 'T-7',
          via: 'auto_link',
          from_canonical_id: null,
        },
      },
    ]);
    expect(refusal(() => linkEntity(person(p1, { mergedInto: p2 }), { linkId: l1, ref: ticket, via: 'link' }, null))).toEqual([
      'conflict',
      'canonical_merged',
    ]);
  });

  it('unlinks only a link of this entity', () => {
    const given = person(p1, { links: [{ id: l1, ...lead }] });
    expect(unlinkEntity(given, l1)).toEqual([
      { type: 'EntityUnlinked', data: { link_id: l1, app: 'sales', entity_type: 'lead', entity_id: '42', moved_to: null } },
    ]);
    expect(refusal(() => unlinkEntity(given, l2))).toEqual(['not_found', 'link_not_found']);
  });

  it('merges the loser into the winner, moving its links with their ids', () => {
    const winner = person(p1, { links: [{ id: l1, ...lead }] });
    const loser = person(p2, { links: [{ id: l2, ...ticket }] });
    const { loser: out, winner: into } = mergeCanonicals(winner, loser);
    expect(out).toEqual([
      { type: 'EntityUnlinked', data: { link_id: l2, app: 'support', entity_type: 'ticket', entity_id: 'T-7', moved_to: p1 } },
      { type: 'CanonicalMerged', data: { canonical_id: p2, entity_class: 'person', winner_id: p1, moved_link_ids: [l2] } },
    ]);
    expect(into).toEqual([
      {
        type: 'EntityLinked',
        data: {
          link_id: l2,
          canonical_id: p1,
          entity_class: 'person',
          app: 'support',
          entity_type: 'ticket',
          entity_id: 'T-7',
          via: 'merge',
          from_canonical_id: p2,
        },
      },
      { type: 'CanonicalAbsorbed', data: { canonical_id: p1, entity_class: 'person', loser_id: p2, moved_link_ids: [l2] } },
    ]);
  });

  it('refuses merging an entity into itself, across classes, or from or into a merged one', () => {
    expect(refusal(() => mergeCanonicals(person(p1), person(p1)))).toEqual(['invalid', 'merge_same_entity']);
    expect(refusal(() => mergeCanonicals(person(p1), { ...person(o1), entityClass: 'organization' }))).toEqual([
      'invalid',
      'entity_class_mismatch',
    ]);
    expect(refusal(() => mergeCanonicals(person(p1), person(p2, { mergedInto: o1 })))).toEqual(['conflict', 'canonical_merged']);
    expect(refusal(() => mergeCanonicals(person(p1, { mergedInto: o1 }), person(p2)))).toEqual(['conflict', 'canonical_merged']);
  });
});
