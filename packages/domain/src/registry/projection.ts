import { actorOf, pick, rowCreated, rowKey, rowStamp, typedRowProjection } from '../shared/events.ts';
import { RegistryEvent, registryEventSchemas } from './events.ts';
import './tables.ts';

// Two read models of the registry streams, folded by one evolve each, inline and in rebuilds.

/** The registry's stream per canonical entity: its class, its version (for appends) and its merge. */
export const registryEntitiesProjection = typedRowProjection(registryEventSchemas, {
  name: 'registry.entities',
  table: 'registry_entities',
  columns: ['tenant_id', 'id', 'entity_class', 'merged_into', 'merged_at', 'version', 'created_at', 'updated_at'],
  evolve(row, e) {
    const base = row ?? { ...rowCreated(e, e.streamId), entity_class: 'person', merged_into: null, merged_at: null };
    const next = { ...base, ...rowStamp(e) };
    if ('entity_class' in e.data) next.entity_class = e.data.entity_class;
    if (e.type === RegistryEvent.CanonicalMerged) {
      next.merged_into = e.data.winner_id;
      next.merged_at = e.occurredAt;
    }
    return next;
  },
});

/** What a link's row keeps of the event that attached it, as it is. */
const LINKED = ['canonical_id', 'entity_class', 'app', 'entity_type', 'entity_id'] as const;

/** The links: one row per link while it is attached (a merge moves it: removed, then added back under the winner). */
export const registryLinksProjection = typedRowProjection(registryEventSchemas, {
  name: 'registry.links',
  table: 'registry_links',
  columns: ['tenant_id', 'id', ...LINKED, 'linked_via', 'linked_by', 'created_at'],
  handles: [RegistryEvent.EntityLinked, RegistryEvent.EntityUnlinked],
  creates: [RegistryEvent.EntityLinked],
  keysOf: (e) => [e.data.link_id],
  evolve(_row, e) {
    if (e.type === RegistryEvent.EntityUnlinked) return null;
    const d = e.data;
    return {
      ...rowKey(e, d.link_id),
      ...pick(d, ...LINKED),
      linked_via: d.via,
      linked_by: actorOf(e),
      created_at: e.occurredAt,
    };
  },
});
