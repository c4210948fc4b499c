import { DomainError } from '../shared/errors.ts';
import { type ReportEvent, reportEvent, type ScheduleSettings } from './events.ts';

// The schedules' decisions, pure. The cron expression's syntax is the contract's to check (with
// croner, in the api package); here are the rules that tie the fields together.

export const MAX_RECIPIENTS = 20;

/** A schedule as decide sees it: its settings, or null when it does not exist (or was cancelled). */
export type ScheduleState = (ScheduleSettings & { id: string }) | null;

/** The settings after a change: an industry belongs to the benchmark alone; recipients are unique, 1..20. */
function checked(s: ScheduleSettings): ScheduleSettings {
  if (s.report_type === 'industry_benchmark' && !s.industry) {
    throw new DomainError('invalid', 'industry_required', 'an industry_benchmark schedule needs an industry', { field: 'industry' });
  }
  if (s.report_type !== 'industry_benchmark' && s.industry) {
    throw new DomainError('invalid', 'industry_not_applicable', `a ${s.report_type} schedule takes no industry`, { field: 'industry' });
  }
  const recipients = [...new Set(s.recipients.map((r) => r.toLowerCase()))];
  if (recipients.length < 1 || recipients.length > MAX_RECIPIENTS) {
    throw new DomainError('invalid', 'recipients_count', `a schedule has 1 to ${MAX_RECIPIENTS} distinct recipients`, {
      field: 'recipients',
      count: recipients.length,
    });
  }
  return { ...s, recipients };
}

const notFound = (id: string) => new DomainError('not_found', 'schedule_not_found', `report schedule ${id} not found`);

export function createSchedule(id: string, settings: ScheduleSettings): ReportEvent[] {
  return [reportEvent('ReportScheduleCreated', { schedule_id: id, ...checked(settings) })];
}

const FIELDS = ['report_type', 'industry', 'cron', 'recipients', 'format'] as const;

/**
 * Applies the given fields. Changing the type away from the benchmark drops its industry; no
 * change at all appends nothing.
 */
export function updateSchedule(state: ScheduleState, id: string, changes: Partial<ScheduleSettings>): ReportEvent[] {
  if (!state) throw notFound(id);
  const { id: _, ...current } = state;
  const merged = { ...current, ...changes };
  if (changes.report_type && changes.report_type !== 'industry_benchmark' && changes.industry === undefined) merged.industry = null;
  const next = checked(merged);
  const changed = FIELDS.filter((f) => JSON.stringify(next[f]) !== JSON.stringify(current[f]));
  if (changed.length === 0) return [];
  return [reportEvent('ReportScheduleUpdated', { schedule_id: id, ...next, changed })];
}

export function cancelSchedule(state: ScheduleState, id: string): ReportEvent[] {
  if (!state) throw notFound(id);
  return [reportEvent('ReportScheduleCancelled', { schedule_id: id })];
}
