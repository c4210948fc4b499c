import { describe, expect, it } from 'vitest';
import { refusal } from '../../shared/refusal.ts';
import { addStage, removeStage, reorderStages, type StageState, updateStage } from './decide.ts';

// Given the pipeline, when a command is decided, then these events (or this refusal).

const stage = (id: string, extra: Partial<StageState> = {}): StageState => ({
  id,
  name: id,
  color: '#000000',
  is_won: false,
  is_lost: false,
  version: 1,
  ...extra,
});
const [a, b, c] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
const given = [stage(a), stage(b), stage(c)];

describe('stage decisions', () => {
  it('adds at the end unless an order is given', () => {
    const n = '00000000-0000-4000-8000-00000000000d';
    expect(addStage(given, { stageId: n, name: 'New' })).toEqual([
      { type: 'StageAdded', data: { stage_id: n, name: 'New', color: '#6b7280', is_won: false, is_lost: false } },
      { type: 'StagesReordered', data: { stage_ids: [a, b, c, n] } },
    ]);
    expect(addStage(given, { stageId: n, name: 'New', order: 1 })[1]!.data).toEqual({ stage_ids: [a, n, b, c] });
  });

  it('records only the fields that change, and a reorder only when the order changes', () => {
    expect(updateStage(given, { stageId: b, name: b })).toEqual([]);
    expect(updateStage(given, { stageId: b, name: 'Bee', order: 0 })).toEqual([
      { type: 'StageUpdated', data: { stage_id: b, changes: { name: 'Bee' } } },
      { type: 'StagesReordered', data: { stage_ids: [b, a, c] } },
    ]);
  });

  it('refuses a stale If-Match version', () => {
    expect(refusal(() => updateStage(given, { stageId: b, name: 'x', expectedVersion: 7 }))).toBe('version_conflict');
  });

  it('refuses a stage that is both won and lost', () => {
    const won = [stage(a, { is_won: true })];
    expect(refusal(() => updateStage(won, { stageId: a, isLost: true }))).toBe('stage_won_and_lost');
  });

  it('reorders only with every stage listed once', () => {
    expect(reorderStages(given, [c, b, a])).toEqual([{ type: 'StagesReordered', data: { stage_ids: [c, b, a] } }]);
    expect(reorderStages(given, [a, b, c])).toEqual([]);
    expect(refusal(() => reorderStages(given, [c, b]))).toBe('stage_ids_mismatch');
    expect(refusal(() => reorderStages(given, [a, b, c, c]))).toBe('stage_ids_mismatch');
  });

  it('removes a stage and names the first remaining one as the home of its deals', () => {
    expect(removeStage(given, a)).toEqual({
      target: b,
      events: [
        { type: 'StageRemoved', data: { stage_id: a, deals_moved_to: b } },
        { type: 'StagesReordered', data: { stage_ids: [b, c] } },
      ],
    });
    expect(refusal(() => removeStage([stage(a)], a))).toBe('last_stage');
    expect(refusal(() => removeStage(given, '00000000-0000-4000-8000-0000000000ff'))).toBe('stage_not_found');
  });
});
