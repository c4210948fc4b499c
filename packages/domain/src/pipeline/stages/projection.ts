import { typedRowProjection } from '../../shared/events.ts';
import { StageEvent, stageEventSchemas } from './events.ts';
import './tables.ts';

export const stagesProjection = typedRowProjection(stageEventSchemas, {
  name: 'pipeline.stages',
  table: 'crm_stages',
  key: 'id',
  columns: ['tenant_id', 'id', 'name', 'color', 'position', 'is_won', 'is_lost', 'version', 'created_at', 'updated_at'],
  handles: Object.values(StageEvent),
  creates: [StageEvent.StageAdded],
  keysOf(e) {
    if (e.type === StageEvent.StagesReordered) return e.data.stage_ids;
    return [e.data.stage_id];
  },
  evolve(row, e, key) {
    const version = String(e.streamVersion);
    switch (e.type) {
      case StageEvent.StageAdded: {
        const d = e.data;
        return {
          tenant_id: e.tenantId,
          id: d.stage_id,
          name: d.name,
          color: d.color,
          position: 0,
          is_won: d.is_won,
          is_lost: d.is_lost,
          version,
          created_at: e.occurredAt,
          updated_at: e.occurredAt,
        };
      }
      case StageEvent.StageUpdated:
        return row && { ...row, ...e.data.changes, version, updated_at: e.occurredAt };
      case StageEvent.StagesReordered: {
        const position = e.data.stage_ids.indexOf(key);
        return row && (row.position === position ? row : { ...row, position, version, updated_at: e.occurredAt });
      }
      case StageEvent.StageRemoved:
        return e.data.stage_id === key ? null : row;
      default:
        return row;
    }
  },
});
