import { Cron } from 'croner';

// Schedules speak standard 5-field cron (minute hour day-of-month month day-of-week), in UTC.

const cronOf = (expr: string) => new Cron(expr, { paused: true, timezone: 'UTC', mode: '5-part' });

/** Why a cron expression cannot be a schedule's, or null when it can. */
export function cronProblem(expr: string): string | null {
  if (expr.trim().split(/\s+/).length !== 5) return 'a cron expression has 5 fields: minute hour day-of-month month day-of-week (UTC)';
  try {
    if (cronOf(expr).nextRun(new Date()) === null) return 'this cron expression never fires';
    return null;
  } catch (e) {
    return `not a valid cron expression: ${(e as Error).message}`;
  }
}

/** The first time the expression fires strictly after `after`, or null. */
export function nextRun(expr: string, after: Date): Date | null {
  return cronOf(expr).nextRun(after);
}

/** The first time the expression fires in [from, to], or null. */
export function firstRunIn(expr: string, from: Date, to: Date): Date | null {
  const at = cronOf(expr).nextRun(new Date(from.getTime() - 1));
  return at && at.getTime() <= to.getTime() ? at : null;
}
