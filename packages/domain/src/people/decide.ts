import { type PersonEvent, personEvent } from './events.ts';
import type { PersonsTable } from './tables.ts';

// Document 003's person decisions, pure: the person as it is and what the caller asks for, to the
// events that record it. Checks that need the database (an organization of this tenant, a free
// unique_id or email) are made by the commands before deciding.

export const LIFECYCLE_STAGES = ['lead', 'qualified', 'opportunity', 'customer', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Personal data: what erasure will have to reach. */
export const PERSONAL_FIELDS = ['name', 'primary_email', 'emails', 'contact_numbers', 'job_title'] as const;
export const OTHER_FIELDS = ['organization_id', 'owner_user_id', 'lifecycle_stage', 'unique_id', 'metadata'] as const;
type Field = (typeof PERSONAL_FIELDS)[number] | (typeof OTHER_FIELDS)[number];

/** Every field of a person a caller may set: the columns of its row named by the two lists above. */
export type PersonValues = Pick<PersonsTable, Field>;

/** A new person with these values; what is not given takes document 003's defaults. */
export function addPerson(personId: string, v: Partial<PersonValues> & { name: string }): PersonEvent[] {
  const { name, primary_email, emails, contact_numbers, job_title, ...rest } = replacement(v);
  return [
    personEvent('PersonAdded', { person_id: personId, personal: { name, primary_email, emails, contact_numbers, job_title }, ...rest }),
  ];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what changes is recorded, before and after; nothing that changes, no event. */
export function revisePerson(current: PersonValues, next: Partial<PersonValues>): PersonEvent[] {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const personal: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of [...PERSONAL_FIELDS, ...OTHER_FIELDS] as Field[]) {
    if (!Object.hasOwn(next, field) || next[field] === undefined) continue;
    if (same(current[field], next[field])) continue;
    const target = (PERSONAL_FIELDS as readonly string[]).includes(field) ? personal : changes;
    target[field] = { from: current[field], to: next[field] };
  }
  if (Object.keys(changes).length === 0 && Object.keys(personal).length === 0) return [];
  return [personEvent('PersonRevised', { changes, personal })];
}

/** PUT replaces every editable field: what the request leaves out goes back to its default. */
export function replacement(v: Partial<PersonValues> & { name: string }): PersonValues {
  return {
    name: v.name,
    primary_email: v.primary_email ?? null,
    emails: v.emails ?? [],
    contact_numbers: v.contact_numbers ?? [],
    job_title: v.job_title ?? '',
    organization_id: v.organization_id ?? null,
    owner_user_id: v.owner_user_id ?? null,
    lifecycle_stage: v.lifecycle_stage ?? 'lead',
    unique_id: v.unique_id ?? '',
    metadata: v.metadata ?? {},
  };
}

export function deletePerson(personId: string): PersonEvent[] {
  return [personEvent('PersonDeleted', { person_id: personId })];
}

/** The person's organization is gone: the reference is cleared on the person's own stream. */
export function clearOrganization(current: Pick<PersonValues, 'organization_id'>): PersonEvent[] {
  if (current.organization_id === null) return [];
  return [personEvent('PersonRevised', { changes: { organization_id: { from: current.organization_id, to: null } }, personal: {} })];
}
