import { describe, expect, it } from 'vitest';
import { refusalKind } from '../shared/refusal.ts';
import { createProfile, NO_PROFILE, type ProfileState, resetProfile, skipProfile, updateProfile } from './decide.ts';
import { EMPTY_PROFILE } from './events.ts';

// Given a user's business profile, when they ask for a change, then these events (or this refusal).

const filled: ProfileState = {
  status: 'completed',
  fields: { ...EMPTY_PROFILE, industry: 'Software', target_geos: ['US'], target_company_sizes: ['51-200'] },
};
const skipped: ProfileState = { status: 'skipped', fields: EMPTY_PROFILE };

describe('business profile decisions', () => {
  it('fills a profile in from none or skipped, the fields left out empty', () => {
    for (const given of [NO_PROFILE, skipped]) {
      expect(createProfile(given, { industry: 'Software', target_geos: ['US', 'DE'] })).toEqual([
        { type: 'BusinessProfileCompleted', data: { fields: { ...EMPTY_PROFILE, industry: 'Software', target_geos: ['US', 'DE'] } } },
      ]);
    }
  });

  it('refuses a second create with a conflict', () => {
    expect(refusalKind(() => createProfile(filled, { industry: 'x' }))).toBe('conflict:business_profile_exists');
  });

  it('updates only what changes, lists compared by value, and nothing when nothing does', () => {
    expect(updateProfile(filled, { industry: 'Fintech', target_geos: ['US'], team_size: '2-10' })).toEqual([
      { type: 'BusinessProfileUpdated', data: { changes: { industry: 'Fintech', team_size: '2-10' } } },
    ]);
    expect(updateProfile(filled, { industry: 'Software', target_company_sizes: ['51-200'] })).toEqual([]);
    expect(updateProfile(filled, { industry: null })).toEqual([{ type: 'BusinessProfileUpdated', data: { changes: { industry: null } } }]);
  });

  it('refuses an update of a profile that is not filled in', () => {
    expect(refusalKind(() => updateProfile(NO_PROFILE, { industry: 'x' }))).toBe('not_found:business_profile_not_found');
    expect(refusalKind(() => updateProfile(skipped, { industry: 'x' }))).toBe('not_found:business_profile_not_found');
  });

  it('skips once, and refuses to skip a filled-in profile', () => {
    expect(skipProfile(NO_PROFILE)).toEqual([{ type: 'BusinessProfileSkipped', data: {} }]);
    expect(skipProfile(skipped)).toEqual([]);
    expect(refusalKind(() => skipProfile(filled))).toBe('conflict:business_profile_exists');
  });

  it('resets a filled-in or skipped profile, and refuses when there is none', () => {
    expect(resetProfile(filled)).toEqual([{ type: 'BusinessProfileReset', data: {} }]);
    expect(resetProfile(skipped)).toEqual([{ type: 'BusinessProfileReset', data: {} }]);
    expect(refusalKind(() => resetProfile(NO_PROFILE))).toBe('not_found:business_profile_not_found');
  });
});
