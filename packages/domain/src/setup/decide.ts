import { DomainError } from '../shared/errors.ts';
import { type SetupEvent, setupEvent } from './events.ts';
import { AUTO_CHECKED, isSetupTaskCode, SETUP_TASKS, type SetupTaskCode, type TaskStatus } from './tasks.ts';

// The setup hub's decisions, pure: the tenant's task statuses and what is asked, to events.

export interface SetupState {
  /** Every task's status (pending when never changed). */
  statuses: Record<SetupTaskCode, TaskStatus>;
  completed: boolean;
}

export const isOpen = (s: TaskStatus) => s === 'pending' || s === 'in_progress';

/** Sets one task's status by hand; the same status again records nothing. */
export function setTaskStatus(state: SetupState, code: string, to: TaskStatus): SetupEvent[] {
  if (!isSetupTaskCode(code)) {
    throw new DomainError('not_found', 'setup_task_not_found', `no setup task ${code}`, { known: SETUP_TASKS.map((t) => t.code) });
  }
  const from = state.statuses[code];
  return from === to ? [] : [setupEvent('SetupTaskStatusChanged', { task_code: code, from, to, source: 'manual' })];
}

/**
 * Marks completed every auto-checkable task the tenant's data shows done (`done`), skipped ones
 * included: the thing is done. It never reopens a task: what was completed stays completed, even
 * if the deal or the key behind it is gone since.
 */
export function autoCheck(state: SetupState, done: Partial<Record<SetupTaskCode, boolean>>): SetupEvent[] {
  return AUTO_CHECKED.filter((code) => done[code] === true && state.statuses[code] !== 'completed').map((code) =>
    setupEvent('SetupTaskStatusChanged', { task_code: code, from: state.statuses[code], to: 'completed', source: 'auto_check' }),
  );
}

/** Marks the setup complete once every required task is completed or skipped; once only. */
export function completeSetup(state: SetupState): SetupEvent[] {
  if (state.completed) throw new DomainError('conflict', 'setup_already_completed', 'the setup is already complete');
  const open = SETUP_TASKS.filter((t) => isOpen(state.statuses[t.code]));
  const requiredOpen = open.filter((t) => t.required).map((t) => t.code);
  if (requiredOpen.length > 0) {
    throw new DomainError(
      'conflict',
      'setup_required_tasks_open',
      `complete or skip the required tasks first: ${requiredOpen.join(', ')}`,
      { tasks: requiredOpen },
    );
  }
  return [setupEvent('SetupCompleted', { open_tasks: open.map((t) => t.code) })];
}
