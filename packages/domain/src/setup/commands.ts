import { appendDecided, type CommandContext } from '../shared/command.ts';
import { autoCheck, completeSetup, setTaskStatus } from './decide.ts';
import { type SetupEvent, setupStream } from './events.ts';
import { autoCheckFacts, getSetup, type SetupView } from './queries.ts';
import type { TaskStatus } from './tasks.ts';

// The tenant's setup: load, decide, append, answer the setup as it now stands.

async function change(ctx: CommandContext, decide: (state: SetupView) => SetupEvent[] | Promise<SetupEvent[]>) {
  const current = await getSetup(ctx.tx, ctx.tenantId);
  const events = await decide(current);
  if (events.length > 0) await appendDecided(ctx, setupStream(ctx.tenantId), current.version, events);
  return { setup: events.length > 0 ? await getSetup(ctx.tx, ctx.tenantId) : current, events };
}

export const setSetupTaskStatus = async (ctx: CommandContext, code: string, status: TaskStatus) =>
  (await change(ctx, (s) => setTaskStatus(s, code, status))).setup;

/** Runs the auto-check; answers the setup and the changes it recorded (none: nothing appended). */
export async function runSetupAutoCheck(ctx: CommandContext) {
  const { setup, events } = await change(ctx, async (s) => autoCheck(s, await autoCheckFacts(ctx.tx, ctx.tenantId)));
  const changes = events.flatMap((e) =>
    e.type === 'SetupTaskStatusChanged' ? [{ code: e.data.task_code, from: e.data.from, to: e.data.to }] : [],
  );
  return { setup, changes };
}

export const completeTenantSetup = async (ctx: CommandContext) => (await change(ctx, completeSetup)).setup;
