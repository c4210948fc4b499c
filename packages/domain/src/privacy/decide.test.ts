import { describe, expect, it } from 'vitest';
import type { DomainError } from '../shared/errors.ts';
import { decideErasure } from './decide.ts';

// Given what is known of the person's stream and key, when erasure is asked, then this event (or this refusal).

const id = '00000000-0000-4000-8000-00000000000a';
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return { kind: (e as DomainError).kind, code: (e as DomainError).code, details: (e as DomainError).details };
  }
  throw new Error('expected a refusal');
};

describe('erasure decision', () => {
  it('records the erasure of a known person, with no personal data in the event', () => {
    expect(decideErasure({ streamVersion: 3, erasedAt: null }, id)).toEqual([{ type: 'PersonErased', data: { person_id: id } }]);
  });

  it('refuses a person this tenant does not have', () => {
    expect(refusal(() => decideErasure({ streamVersion: null, erasedAt: null }, id))).toMatchObject({
      kind: 'not_found',
      code: 'person_not_found',
    });
  });

  it('refuses a second erasure, saying when the first was', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    expect(refusal(() => decideErasure({ streamVersion: 4, erasedAt: at }, id))).toEqual({
      kind: 'conflict',
      code: 'person_already_erased',
      details: { erased_at: '2026-12-01T10:00:00.000Z' },
    });
  });
});
