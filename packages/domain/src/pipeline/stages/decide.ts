import { DomainError, notFound } from '../../shared/errors.ts';
import { type StageEvent, stageEvent, type StageUpdated } from './events.ts';

/** What decide needs to know of a stage: the pipeline in order. */
export interface StageState {
  id: string;
  /** The pipeline stream version at which this stage last changed: what If-Match pins. */
  version: string | number;
  name: string;
  color: string;
  is_won: boolean;
  is_lost: boolean;
}

export const DEFAULT_COLOR = '#6b7280';

export const DEFAULT_STAGES: ReadonlyArray<Omit<StageState, 'id' | 'version'>> = [
  { name: 'Lead', color: '#94a3b8', is_won: false, is_lost: false },
  { name: 'Qualified', color: '#60a5fa', is_won: false, is_lost: false },
  { name: 'Proposal', color: '#a78bfa', is_won: false, is_lost: false },
  { name: 'Negotiation', color: '#f59e0b', is_won: false, is_lost: false },
  { name: 'Closed Won', color: '#22c55e', is_won: true, is_lost: false },
  { name: 'Closed Lost', color: '#ef4444', is_won: false, is_lost: true },
];

export interface AddStage {
  stageId: string;
  name: string;
  color?: string | undefined;
  /** 0-based target position; omitted or past the end appends. */
  order?: number | undefined;
  isWon?: boolean | undefined;
  isLost?: boolean | undefined;
}

const reordered = (ids: string[]): StageEvent => stageEvent('StagesReordered', { stage_ids: ids });

function checkFlags(isWon: boolean, isLost: boolean) {
  if (isWon && isLost) throw new DomainError('invalid', 'stage_won_and_lost', 'a stage cannot be both won and lost');
}

export function addStage(stages: StageState[], cmd: AddStage): StageEvent[] {
  checkFlags(cmd.isWon ?? false, cmd.isLost ?? false);
  const added = stageEvent('StageAdded', {
    stage_id: cmd.stageId,
    name: cmd.name,
    color: cmd.color ?? DEFAULT_COLOR,
    is_won: cmd.isWon ?? false,
    is_lost: cmd.isLost ?? false,
  });
  const ids = stages.map((s) => s.id);
  const at = Math.min(Math.max(cmd.order ?? ids.length, 0), ids.length);
  ids.splice(at, 0, cmd.stageId);
  return [added, reordered(ids)];
}

/** A client that pinned a version (If-Match) gets a conflict rather than overwriting a newer change. */
export function checkVersion(stage: StageState, expected: number | undefined) {
  if (expected !== undefined && Number(stage.version) !== expected) {
    throw new DomainError(
      'conflict',
      'version_conflict',
      `stage ${stage.id} is at version ${stage.version}, not ${expected}; reload and retry`,
      {
        current_version: Number(stage.version),
      },
    );
  }
}

export interface UpdateStage {
  stageId: string;
  expectedVersion?: number | undefined;
  name?: string | undefined;
  color?: string | undefined;
  order?: number | undefined;
  isWon?: boolean | undefined;
  isLost?: boolean | undefined;
}

export function updateStage(stages: StageState[], cmd: UpdateStage): StageEvent[] {
  const index = stages.findIndex((s) => s.id === cmd.stageId);
  const stage = stages[index];
  if (!stage) throw notFound('stage', cmd.stageId);
  checkVersion(stage, cmd.expectedVersion);
  const changes: StageUpdated['changes'] = {};
  if (cmd.name !== undefined && cmd.name !== stage.name) changes.name = cmd.name;
  if (cmd.color !== undefined && cmd.color !== stage.color) changes.color = cmd.color;
  if (cmd.isWon !== undefined && cmd.isWon !== stage.is_won) changes.is_won = cmd.isWon;
  if (cmd.isLost !== undefined && cmd.isLost !== stage.is_lost) changes.is_lost = cmd.isLost;
  checkFlags(changes.is_won ?? stage.is_won, changes.is_lost ?? stage.is_lost);
  const events: StageEvent[] = [];
  if (Object.keys(changes).length > 0) events.push(stageEvent('StageUpdated', { stage_id: stage.id, changes }));
  if (cmd.order !== undefined) {
    const ids = stages.map((s) => s.id);
    ids.splice(index, 1);
    ids.splice(Math.min(Math.max(cmd.order, 0), ids.length), 0, stage.id);
    if (ids.some((id, i) => id !== stages[i]!.id)) events.push(reordered(ids));
  }
  return events;
}

export function reorderStages(stages: StageState[], stageIds: string[]): StageEvent[] {
  const current = new Set(stages.map((s) => s.id));
  const given = new Set(stageIds);
  const unknown = stageIds.filter((id) => !current.has(id));
  const missing = stages.filter((s) => !given.has(s.id)).map((s) => s.id);
  if (unknown.length > 0 || missing.length > 0 || given.size !== stageIds.length) {
    throw new DomainError('invalid', 'stage_ids_mismatch', 'stage_ids must list every stage of the pipeline exactly once', {
      unknown,
      missing,
    });
  }
  if (stageIds.every((id, i) => id === stages[i]!.id)) return [];
  return [reordered(stageIds)];
}

/**
 * Removing a stage sends its deals to the first remaining stage. The deal moves themselves are
 * events on each deal's stream (appended by the command); this event records where they went.
 */
export function removeStage(
  stages: StageState[],
  stageId: string,
  expectedVersion?: number,
): { events: StageEvent[]; target: string | null } {
  const stage = stages.find((s) => s.id === stageId);
  if (!stage) throw notFound('stage', stageId);
  checkVersion(stage, expectedVersion);
  const rest = stages.filter((s) => s.id !== stageId);
  const target = rest[0]?.id ?? null;
  if (!target) throw new DomainError('conflict', 'last_stage', 'the last stage of a pipeline cannot be deleted');
  return {
    events: [stageEvent('StageRemoved', { stage_id: stageId, deals_moved_to: target }), reordered(rest.map((s) => s.id))],
    target,
  };
}
