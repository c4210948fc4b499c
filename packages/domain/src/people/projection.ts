import { pick, rowKey, type TableRow, typedRowProjection } from '../shared/events.ts';
import { OTHER_FIELDS, PERSONAL_FIELDS } from './decide.ts';
import { PersonEvent, personEventSchemas } from './events.ts';
import { ERASED_PERSONAL, isSealed } from '../privacy/rules.ts';
import './tables.ts';

const FIELDS = ['name', 'primary_email', 'contact_numbers', 'job_title', 'owner_user_id'] as const;
/** Fields a PersonRevised may change, personal or not. */
const REVISABLE = [...PERSONAL_FIELDS, ...OTHER_FIELDS] as const;

function apply(row: TableRow<'persons'>, changes: Record<string, { to?: unknown }>, allowed: readonly string[]) {
  for (const [field, change] of Object.entries(changes)) {
    if (allowed.includes(field)) row[field] = change.to;
  }
}

export const personsProjection = typedRowProjection(personEventSchemas, {
  name: 'people.persons',
  table: 'persons',
  key: 'id',
  columns: [
    'tenant_id',
    'id',
    'name',
    'primary_email',
    'emails',
    'contact_numbers',
    'job_title',
    'organization_id',
    'owner_user_id',
    'platform_user_id',
    'lifecycle_stage',
    'unique_id',
    'active',
    'merged_into',
    'metadata',
    'version',
    'created_at',
    'updated_at',
  ],
  handles: Object.values(PersonEvent),
  creates: [PersonEvent.PersonCreated, PersonEvent.PersonAdded],
  keysOf: (e) => [e.streamId],
  evolve(row, e) {
    // Read through the store's privacy codec, an event is opened (or shows erased placeholders);
    // still sealed means a reader without the codec, which would fold ciphertext into the table.
    if (isSealed(e.data)) throw new Error(`person event ${e.eventId} reached the projection sealed: read it with the privacy codec`);
    const version = String(e.streamVersion);
    if (e.type === PersonEvent.PersonCreated) {
      const d = e.data;
      return {
        ...rowKey(e, d.person_id),
        ...pick(d, ...FIELDS),
        emails: [],
        organization_id: null,
        platform_user_id: null,
        lifecycle_stage: 'lead',
        unique_id: '',
        active: true,
        merged_into: null,
        metadata: {},
        version,
        created_at: e.occurredAt,
        updated_at: e.occurredAt,
      };
    }
    if (e.type === PersonEvent.PersonAdded) {
      const d = e.data;
      return {
        tenant_id: e.tenantId,
        id: d.person_id,
        ...d.personal,
        organization_id: d.organization_id,
        owner_user_id: d.owner_user_id,
        platform_user_id: null,
        lifecycle_stage: d.lifecycle_stage,
        unique_id: d.unique_id,
        active: true,
        merged_into: null,
        metadata: d.metadata,
        version,
        created_at: e.occurredAt,
        updated_at: e.occurredAt,
      };
    }
    if (!row) return null;
    if (e.type === PersonEvent.PersonDeleted) return null;
    const next: TableRow<'persons'> = { ...row, version, updated_at: e.occurredAt };
    if (e.type === PersonEvent.PersonRevised) {
      apply(next, e.data.changes, REVISABLE);
      apply(next, e.data.personal, REVISABLE);
      return next;
    }
    switch (e.type) {
      // Document 003: `active` is false once the person is bound to a platform user or merged away.
      case PersonEvent.PersonLinkedToUser:
        return { ...next, platform_user_id: e.data.user_id, active: false };
      case PersonEvent.PersonUnlinkedFromUser:
        return { ...next, platform_user_id: null, active: next.merged_into === null };
      case PersonEvent.PersonMergedInto:
        return { ...next, active: false, merged_into: e.data.into };
      case PersonEvent.PersonMergeReverted:
        return { ...next, active: e.data.active, merged_into: null };
      case PersonEvent.PersonErased:
        return { ...next, ...structuredClone(ERASED_PERSONAL) };
      case PersonEvent.PersonInvited:
      case PersonEvent.PersonsMerged:
      case PersonEvent.PersonsMergeUndone:
        return next;
    }
    apply(next, e.data.changes, FIELDS);
    return next;
  },
});
