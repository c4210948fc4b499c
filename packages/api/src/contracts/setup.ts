import { setup as domain } from '@crm/domain';
import { z } from 'zod';
import { contract, noInput, text, timestamp, userId } from './shared.ts';

// The setup hub (document 001, /api/v1/setup-hub): a fixed list of setup tasks per tenant, their
// statuses, the auto-check that finds done what the tenant's data shows done, and the completion.

const READ = { permission: 'setup.read' } as const;
const MANAGE = { permission: 'setup.manage' } as const;

export const taskStatus = z.enum(domain.TASK_STATUSES);

export const SetupTask = z.object({
  code: z.string(),
  title: z.string(),
  description: z.string(),
  autoCheckable: z.boolean().describe('the auto-check can find it done from your data'),
  required: z.boolean().describe('must be completed or skipped before the setup can be completed'),
  status: taskStatus,
  source: z.enum(['manual', 'auto_check']).nullable().describe('who set the status last; null until someone first changes it'),
  updatedAt: timestamp.nullable(),
  updatedBy: z.number().int().nullable().describe('the user who set it (the auto-check runs as the user who asked)'),
});

export const SetupHub = z.object({
  tasks: z.array(SetupTask),
  progress: z.object({
    done: z.number().int().describe('completed or skipped'),
    completed: z.number().int(),
    skipped: z.number().int(),
    total: z.number().int(),
    percent: z.number().int().min(0).max(100).describe('done ÷ total, rounded down'),
  }),
  requiredOpen: z.array(z.string()).describe('required tasks still pending or in progress'),
  completed: z.boolean(),
  completedAt: timestamp.nullable(),
  completedBy: userId.nullable(),
});

export const setupHub = {
  get: contract('setup.get', {
    summary: 'Setup progress for the current tenant: every task with its status, and the progress.',
    access: READ,
    input: noInput,
    output: SetupHub,
  }),
  updateTask: contract('setup.updateTask', {
    summary: "Set a setup task's status (pending, in_progress, completed or skipped).",
    access: MANAGE,
    input: z.object({ taskCode: text(64), status: taskStatus }).strict(),
    output: SetupHub,
  }),
  autoCheck: contract('setup.autoCheck', {
    summary: 'Find done every auto-checkable task your data shows done, and record what changed.',
    access: MANAGE,
    input: noInput,
    output: z.object({
      changes: z.array(z.object({ code: z.string(), from: taskStatus, to: taskStatus })).describe('the tasks it moved; empty: none'),
      setup: SetupHub,
    }),
  }),
  complete: contract('setup.complete', {
    summary: 'Mark the setup complete: 409 when it already is, or while a required task is open.',
    access: MANAGE,
    input: noInput,
    output: SetupHub,
  }),
};
