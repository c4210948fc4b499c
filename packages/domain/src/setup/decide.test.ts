import { describe, expect, it } from 'vitest';
import { refusalKind } from '../shared/refusal.ts';
import { autoCheck, completeSetup, type SetupState, setTaskStatus } from './decide.ts';
import { SETUP_TASKS, type SetupTaskCode, type TaskStatus } from './tasks.ts';

// Given the tenant's task statuses, when a change is asked for, then these events (or this refusal).

const given = (overrides: Partial<Record<SetupTaskCode, TaskStatus>> = {}, completed = false): SetupState => ({
  statuses: { ...(Object.fromEntries(SETUP_TASKS.map((t) => [t.code, 'pending'])) as Record<SetupTaskCode, TaskStatus>), ...overrides },
  completed,
});
const requiredDone = Object.fromEntries(SETUP_TASKS.filter((t) => t.required).map((t) => [t.code, 'completed'])) as Partial<
  Record<SetupTaskCode, TaskStatus>
>;

describe('setup hub decisions', () => {
  it('sets a task status by hand, and records nothing for the same status', () => {
    expect(setTaskStatus(given(), 'invite_teammate', 'in_progress')).toEqual([
      { type: 'SetupTaskStatusChanged', data: { task_code: 'invite_teammate', from: 'pending', to: 'in_progress', source: 'manual' } },
    ]);
    expect(setTaskStatus(given({ invite_teammate: 'skipped' }), 'invite_teammate', 'skipped')).toEqual([]);
  });

  it('refuses an unknown task', () => {
    expect(refusalKind(() => setTaskStatus(given(), 'launch_rocket', 'completed'))).toBe('not_found:setup_task_not_found');
  });

  it('auto-check completes what the data shows done, skipped included, and never reopens or touches manual tasks', () => {
    const events = autoCheck(given({ create_first_deal: 'skipped', add_person: 'completed' }), {
      create_first_deal: true,
      add_person: true,
      create_api_key: false,
      review_permissions: true,
    });
    expect(events).toEqual([
      { type: 'SetupTaskStatusChanged', data: { task_code: 'create_first_deal', from: 'skipped', to: 'completed', source: 'auto_check' } },
    ]);
    expect(autoCheck(given({ add_person: 'completed' }), { add_person: false })).toEqual([]);
  });

  it('completes once every required task is completed or skipped, listing the optional ones still open', () => {
    const done = given({ ...requiredDone, customize_pipeline: 'skipped' });
    const [event] = completeSetup(done);
    expect(event!.type).toBe('SetupCompleted');
    expect(event!.data).toEqual({ open_tasks: SETUP_TASKS.filter((t) => !t.required).map((t) => t.code) });
  });

  it('refuses completion while a required task is open, and a second completion', () => {
    expect(refusalKind(() => completeSetup(given({ ...requiredDone, create_first_deal: 'in_progress' })))).toBe(
      'conflict:setup_required_tasks_open',
    );
    expect(refusalKind(() => completeSetup(given(requiredDone, true)))).toBe('conflict:setup_already_completed');
  });
});
