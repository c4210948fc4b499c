import { type TableRow, typedRowProjection } from '../shared/events.ts';
import { PersonEvent, personEventSchemas } from './events.ts';
import './tables.ts';

const FIELDS = ['name', 'primary_email', 'contact_numbers', 'job_title', 'owner_user_id'] as const;

export const personsProjection = typedRowProjection(personEventSchemas, {
  name: 'people.persons',
  table: 'persons',
  key: 'id',
  columns: [
    'tenant_id', 'id', 'name', 'primary_email', 'emails', 'contact_numbers', 'job_title', 'organization_id', 'owner_user_id',
    'platform_user_id', 'lifecycle_stage', 'unique_id', 'active', 'merged_into', 'metadata', 'version', 'created_at', 'updated_at',
  ],
  handles: Object.values(PersonEvent),
  creates: [PersonEvent.PersonCreated],
  keysOf: (e) => [e.streamId],
  evolve(row, e) {
    const version = String(e.streamVersion);
    if (e.type === PersonEvent.PersonCreated) {
      const d = e.data;
      return {
        tenant_id: e.tenantId, id: d.person_id, name: d.name, primary_email: d.primary_email, emails: [],
        contact_numbers: d.contact_numbers, job_title: d.job_title, organization_id: null, owner_user_id: d.owner_user_id,
        platform_user_id: null, lifecycle_stage: 'lead', unique_id: '', active: true, merged_into: null, metadata: {},
        version, created_at: e.occurredAt, updated_at: e.occurredAt,
      };
    }
    if (!row) return null;
    const next: TableRow<'persons'> = { ...row, version, updated_at: e.occurredAt };
    for (const [field, change] of Object.entries(e.data.changes)) {
      if ((FIELDS as readonly string[]).includes(field)) next[field] = change.to;
    }
    return next;
  },
});
