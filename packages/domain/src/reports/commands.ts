import { randomUUID } from 'node:crypto';
import { destroyKey } from '../privacy/keys.ts';
import { appendDecided, type CommandContext } from '../shared/command.ts';
import { cancelSchedule, createSchedule, updateSchedule } from './decide.ts';
import { type ScheduleSettings, scheduleStream } from './events.ts';
import { findSchedule, lockedSchedule, scheduleState } from './queries.ts';
import type { ReportSchedulesTable } from './tables.ts';

// A schedule's commands: lock its row, decide, append (the inline projection writes the row).

async function load(ctx: CommandContext, id: string) {
  const row = await lockedSchedule(ctx.tx, ctx.tenantId, id, 'update');
  return { row, state: scheduleState(row) };
}

const reread = async (ctx: CommandContext, id: string) => (await findSchedule(ctx.tx, ctx.tenantId, id))!;

export async function addSchedule(ctx: CommandContext, settings: ScheduleSettings): Promise<ReportSchedulesTable> {
  const id = randomUUID();
  await appendDecided(ctx, scheduleStream(id), 0, createSchedule(id, settings));
  return reread(ctx, id);
}

export async function changeSchedule(ctx: CommandContext, id: string, changes: Partial<ScheduleSettings>): Promise<ReportSchedulesTable> {
  const { row, state } = await load(ctx, id);
  await appendDecided(ctx, scheduleStream(id), row?.version ?? 0, updateSchedule(state, id, changes));
  return reread(ctx, id);
}

export async function removeSchedule(ctx: CommandContext, id: string): Promise<void> {
  const { row, state } = await load(ctx, id);
  await appendDecided(ctx, scheduleStream(id), row?.version ?? 0, cancelSchedule(state, id));
  // The recipients were sealed under the schedule's key (privacy/rules.ts): with it gone, the log's
  // copies of them read as none (the row leaves the table; mail already queued keeps its address
  // only until the outbox prunes it).
  await destroyKey(ctx.tx, { tenantId: ctx.tenantId, subjectType: scheduleStream(id).type, subjectId: id }, ctx.clock.now());
}
