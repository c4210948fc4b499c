// Where personal data sits in the log: for each event type that carries it, the top-level fields
// that are sealed under the subject's key, and what each reads as once that key is destroyed.
// The subject is the event's stream (`person/<id>`), so every event of a person is sealed under
// that person's key, whatever field names a later event type uses; or, for what one person writes
// on a shared stream (a chat message on its channel), the user a field of the event names.
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

/**
 * A user's name and email as they read once erased: unique per user (the users table keeps emails
 * unique per tenant) and plainly not an address anyone had. The users read model shows the same.
 */
export const erasedUserFields = (userId: number | string) => ({
  email: `erased-${userId}@erased.invalid`,
  first_name: 'Erased',
  last_name: 'User',
});

export interface SealRule {
  /** The stream type whose id is the subject, or with `subjectField` the type of subject that field names. */
  subjectType: string;
  /**
   * A data field (kept in clear) holding the subject's id, when the subject is not the event's
   * stream: a chat message is its author's personal data, on its channel's stream.
   */
  subjectField?: string;
  /** Data fields sealed together. An empty object (a revision of other fields only) is left as it is. */
  fields: readonly string[];
  /**
   * The fields sit inside this object of the data rather than at its top (a user's `changes` mixes
   * their name with their role, and only the name is personal).
   */
  within?: string;
  /** What each of those fields reads as when the key is gone; a function when it depends on the subject. */
  erased: Readonly<Record<string, unknown>> | ((subjectId: string) => Record<string, unknown>);
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
  // Platform users (identity): their name and email, on their own stream `user/<id>`. Permanent
  // deletion destroys the key, so the log forgets them as it forgets an erased person.
  UserRegistered: { subjectType: 'user', fields: ['email', 'first_name', 'last_name'], erased: erasedUserFields },
  UserInvited: { subjectType: 'user', fields: ['email', 'first_name', 'last_name'], erased: erasedUserFields },
  UserUpdated: { subjectType: 'user', fields: ['first_name', 'last_name'], within: 'changes', erased: {} },
  UserEmailVerified: { subjectType: 'user', fields: ['email'], erased: (id) => ({ email: erasedUserFields(id).email }) },
  UserProfileUpdated: { subjectType: 'user', fields: ['phone', 'avatar_url'], erased: {} },
  // What a user wrote in chat, under their own key: erasing the user erases their messages.
  ChatMessagePosted: { subjectType: 'user', subjectField: 'author_id', fields: ['content'], erased: { content: ERASED_NAME } },
  // A report schedule's recipients are addresses, often of people outside the tenant: sealed under
  // the schedule's own key, which its cancellation destroys, so the log forgets them with it.
  ReportScheduleCreated: { subjectType: 'report_schedule', fields: ['recipients'], erased: { recipients: [] } },
  ReportScheduleUpdated: { subjectType: 'report_schedule', fields: ['recipients'], erased: { recipients: [] } },
};

/** The field of a stored event that holds its sealed personal part. */
export const SEALED = '$sealed';

/** True for data still in its stored, sealed form: a projection must never fold that. */
export const isSealed = (data: unknown): boolean => typeof data === 'object' && data !== null && SEALED in data;
