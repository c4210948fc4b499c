import { setup as domain } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/setup.ts';
import { mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// The setup hub (document 001, /api/v1/setup-hub).

function setupDto(v: domain.SetupView): z.output<typeof c.SetupHub> {
  const count = (s: domain.TaskStatus) => v.tasks.filter((t) => t.status === s).length;
  const [completed, skipped, total] = [count('completed'), count('skipped'), v.tasks.length];
  return {
    tasks: v.tasks,
    progress: { done: completed + skipped, completed, skipped, total, percent: Math.floor(((completed + skipped) * 100) / total) },
    requiredOpen: v.tasks.filter((t) => t.required && domain.isOpen(t.status)).map((t) => t.code),
    completed: v.completed,
    completedAt: v.completedAt ? new Date(v.completedAt).toISOString() : null,
    completedBy: v.completedBy,
  };
}

export const setupRouter = router({
  get: query(c.setupHub.get, async ({ ctx }) => setupDto(await runQuery(ctx, (tx) => domain.getSetup(tx, ctx.principal.tenantId)))),
  updateTask: mutation(c.setupHub.updateTask, async ({ ctx, input }) =>
    setupDto(await runCommand(ctx, (cmd) => domain.setSetupTaskStatus(cmd, input.taskCode, input.status))),
  ),
  autoCheck: mutation(c.setupHub.autoCheck, async ({ ctx }) => {
    const { setup, changes } = await runCommand(ctx, domain.runSetupAutoCheck);
    return { changes, setup: setupDto(setup) };
  }),
  complete: mutation(c.setupHub.complete, async ({ ctx }) => setupDto(await runCommand(ctx, domain.completeTenantSetup))),
});
