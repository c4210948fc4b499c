import { rowCreated, rowStamp, typedRowProjection } from '../../shared/events.ts';
import { StageEvent, stageEventSchemas } from './events.ts';
import './tables.ts';

export const stagesProjection = typedRowProjection(stageEventSchemas, {
  name: 'pipeline.stages',
  table: 'crm_stages',
  columns: ['tenant_id', 'id', 'name', 'color', 'position', 'is_won', 'is_lost', 'version', 'created_at', 'updated_at'],
  creates: [StageEvent.StageAdded],
  keysOf(e) {
    if (e.type === StageEvent.StagesReordered) return e.data.stage_ids;
    return [e.data.stage_id];
  },
  evolve(row, e, key) {
    switch (e.type) {
      case StageEvent.StageAdded: {
        const { stage_id, name, color, is_won, is_lost } = e.data;
        return { ...rowCreated(e, stage_id), name, color, position: 0, is_won, is_lost };
      }
      case StageEvent.StageUpdated:
        return row && { ...row, ...e.data.changes, ...rowStamp(e) };
      case StageEvent.StagesReordered: {
        const position = e.data.stage_ids.indexOf(key);
        return row && (row.position === position ? row : { ...row, position, ...rowStamp(e) });
      }
      case StageEvent.StageRemoved:
        return e.data.stage_id === key ? null : row;
      default:
        return row;
    }
  },
});
