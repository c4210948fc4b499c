import { rowProjection } from '@crm/eventstore';
import { StageEvent, type StageAdded, type StageRemoved, type StagesReordered, type StageUpdated } from './events.ts';
import type { StagesTable } from './tables.ts';

type Row = StagesTable & Record<string, unknown>;

export const stagesProjection = rowProjection<Row>({
  name: 'pipeline.stages',
  table: 'crm_stages',
  key: 'id',
  columns: ['tenant_id', 'id', 'name', 'color', 'position', 'is_won', 'is_lost', 'version', 'created_at', 'updated_at'],
  handles: Object.values(StageEvent),
  creates: [StageEvent.StageAdded],
  keysOf(e) {
    if (e.type === StageEvent.StagesReordered) return (e.data as StagesReordered).stage_ids;
    return [(e.data as { stage_id: string }).stage_id];
  },
  evolve(row, e, key) {
    const version = String(e.streamVersion);
    switch (e.type) {
      case StageEvent.StageAdded: {
        const d = e.data as StageAdded;
        return {
          tenant_id: e.tenantId, id: d.stage_id, name: d.name, color: d.color, position: 0,
          is_won: d.is_won, is_lost: d.is_lost, version, created_at: e.occurredAt, updated_at: e.occurredAt,
        };
      }
      case StageEvent.StageUpdated:
        return row && { ...row, ...(e.data as StageUpdated).changes, version, updated_at: e.occurredAt };
      case StageEvent.StagesReordered: {
        const position = (e.data as StagesReordered).stage_ids.indexOf(key);
        return row && (row.position === position ? row : { ...row, position, version, updated_at: e.occurredAt });
      }
      case StageEvent.StageRemoved:
        return (e.data as StageRemoved).stage_id === key ? null : row;
      default:
        return row;
    }
  },
});
