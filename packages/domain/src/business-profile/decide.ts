import { DomainError } from '../shared/errors.ts';
import { type BusinessProfileEvent, businessProfileEvent, EMPTY_PROFILE, type ProfileFields } from './events.ts';

// A user's business profile, decided purely: its state and what the user asks for, to events or a
// refusal. States: none (never filled, or reset), completed (filled in), skipped.

export type ProfileStatus = 'none' | 'completed' | 'skipped';

export interface ProfileState {
  status: ProfileStatus;
  fields: ProfileFields;
}

export const NO_PROFILE: ProfileState = { status: 'none', fields: EMPTY_PROFILE };

export type ProfilePatch = Partial<ProfileFields>;

export const profileNotFound = () =>
  new DomainError('not_found', 'business_profile_not_found', 'you have no business profile yet: create it with POST /v1/business-profile');

const profileExists = () =>
  new DomainError(
    'conflict',
    'business_profile_exists',
    'your business profile already exists: change it with PUT, or reset it with DELETE',
  );

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Fills the profile in (from none or skipped); a field left out takes its empty value. */
export function createProfile(state: ProfileState, fields: ProfilePatch): BusinessProfileEvent[] {
  if (state.status === 'completed') throw profileExists();
  const full = { ...EMPTY_PROFILE };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) Object.assign(full, { [k]: v });
  return [businessProfileEvent('BusinessProfileCompleted', { fields: full })];
}

/** Changes the fields given (null clears, left out keeps); no event when nothing changes. */
export function updateProfile(state: ProfileState, patch: ProfilePatch): BusinessProfileEvent[] {
  if (state.status !== 'completed') throw profileNotFound();
  const changes: ProfilePatch = {};
  for (const key of Object.keys(patch) as (keyof ProfileFields)[]) {
    const value = patch[key];
    if (value !== undefined && !same(value, state.fields[key])) Object.assign(changes, { [key]: value });
  }
  return Object.keys(changes).length > 0 ? [businessProfileEvent('BusinessProfileUpdated', { changes })] : [];
}

/** Skips onboarding; skipping again records nothing, and a filled-in profile cannot be skipped. */
export function skipProfile(state: ProfileState): BusinessProfileEvent[] {
  if (state.status === 'completed') throw profileExists();
  return state.status === 'skipped' ? [] : [businessProfileEvent('BusinessProfileSkipped', {})];
}

/** Back to none, from completed or skipped. */
export function resetProfile(state: ProfileState): BusinessProfileEvent[] {
  if (state.status === 'none') throw profileNotFound();
  return [businessProfileEvent('BusinessProfileReset', {})];
}
