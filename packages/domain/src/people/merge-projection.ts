import { actorOf, pick, rowKey, typedRowProjection } from '../shared/events.ts';
import { PersonEvent, personEventSchemas } from './events.ts';
import './tables.ts';

/** Merges by id, with what each moved: undo reads it, and a list of a person's merges comes from it. */
export const personMergesProjection = typedRowProjection(personEventSchemas, {
  name: 'people.person_merges',
  table: 'person_merges',
  columns: ['tenant_id', 'id', 'primary_id', 'duplicate_ids', 'moves', 'reparented', 'merged_by', 'merged_at', 'undone_by', 'undone_at'],
  handles: [PersonEvent.PersonsMerged, PersonEvent.PersonsMergeUndone],
  creates: [PersonEvent.PersonsMerged],
  keysOf: (e) => [e.data.merge_id],
  evolve(row, e) {
    if (e.type === PersonEvent.PersonsMerged) {
      const d = e.data;
      return {
        ...rowKey(e, d.merge_id),
        primary_id: e.streamId,
        ...pick(d, 'duplicate_ids', 'moves', 'reparented'),
        merged_by: actorOf(e),
        merged_at: e.occurredAt,
        undone_by: null,
        undone_at: null,
      };
    }
    return row && { ...row, undone_by: actorOf(e), undone_at: e.occurredAt };
  },
});
