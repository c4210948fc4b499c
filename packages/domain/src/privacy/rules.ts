// Where personal data sits in the log: for each event type that carries it, the top-level fields
// that are sealed under the subject's key, and what each reads as once that key is destroyed.
// The subject is the event's stream (`person/<id>`), so every event of a person is sealed under
// that person's key, whatever field names a later event type uses.
//
// Leaf module: it imports nothing, so the projections that show placeholders can use it.

/** The name a person shows once erased: a marker, not a value anyone had. */
export const ERASED_NAME = '[erased]';

/** A person's personal fields as they read after erasure (document 003's shape, values blank). */
export const ERASED_PERSONAL = {
  name: ERASED_NAME,
  primary_email: null,
  emails: [],
  contact_numbers: [],
  job_title: '',
} as const;

export interface SealRule {
  /** The stream type whose id is the subject. */
  subjectType: string;
  /** Top-level data fields sealed together. An empty object (a revision of other fields only) is left as it is. */
  fields: readonly string[];
  /** What each of those fields reads as when the key is gone. */
  erased: Readonly<Record<string, unknown>>;
}

export const sealRules: Readonly<Record<string, SealRule>> = {
  // A deal contact's person (the 000 face) carries its personal fields at the top level.
  PersonCreated: {
    subjectType: 'person',
    fields: ['name', 'primary_email', 'contact_numbers', 'job_title'],
    erased: { name: ERASED_NAME, primary_email: null, contact_numbers: [], job_title: '' },
  },
  PersonAdded: { subjectType: 'person', fields: ['personal'], erased: { personal: ERASED_PERSONAL } },
  // Before and after values of personal fields only; `changes` (owner, organization, stage...) stays clear.
  PersonRevised: { subjectType: 'person', fields: ['personal'], erased: { personal: {} } },
  // Deal-contact edits change only personal fields (name, email, numbers, title), so all of `changes`.
  PersonUpdated: { subjectType: 'person', fields: ['changes'], erased: { changes: {} } },
};

/** The field of a stored event that holds its sealed personal part. */
export const SEALED = '$sealed';

/** True for data still in its stored, sealed form: a projection must never fold that. */
export const isSealed = (data: unknown): boolean => typeof data === 'object' && data !== null && SEALED in data;
