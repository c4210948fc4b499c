import { z } from 'zod';
import { defineEvents, type NewEventOf, type StoredEventOf } from '../shared/events.ts';

// Scheduled reports (document 000): one stream per schedule, `report_schedule/<id>`. The runs the
// worker fires are operational records (report_runs, beside the mail they queue), not events:
// they decide nothing and a schedule's config does not depend on them.

export const REPORT_TYPES = ['industry_benchmark', 'industries_overview', 'pipeline_summary'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
export const REPORT_FORMATS = ['pdf', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What a schedule sends, when (a 5-field cron, UTC) and to whom. */
export const ScheduleSettings = z.object({
  report_type: z.enum(REPORT_TYPES),
  /** The industry slug of an `industry_benchmark`; null for the other types. */
  industry: z.string().nullable(),
  cron: z.string(),
  recipients: z.array(z.string()),
  format: z.enum(REPORT_FORMATS),
});
export type ScheduleSettings = z.infer<typeof ScheduleSettings>;

export const {
  schemas: reportEventSchemas,
  types: ReportEvent,
  event: reportEvent,
} = defineEvents({
  ReportScheduleCreated: ScheduleSettings.extend({ schedule_id: z.string().uuid() }),
  /** The settings after the change, and which of them changed. */
  ReportScheduleUpdated: ScheduleSettings.extend({ schedule_id: z.string().uuid(), changed: z.array(z.string()) }),
  ReportScheduleCancelled: z.object({ schedule_id: z.string().uuid() }),
});

export type ReportEvent = NewEventOf<typeof reportEventSchemas>;
export type StoredReportEvent = StoredEventOf<typeof reportEventSchemas>;

export const scheduleStream = (id: string) => ({ type: 'report_schedule', id });
