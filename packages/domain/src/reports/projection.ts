import { actorOf, rowCreated, rowStamp, typedRowProjection } from '../shared/events.ts';
import { ReportEvent, reportEventSchemas } from './events.ts';
import './tables.ts';

/** The live schedules: a cancelled one leaves the table (its runs stay in report_runs). */
export const reportSchedulesProjection = typedRowProjection(reportEventSchemas, {
  name: 'reports.schedules',
  table: 'report_schedules',
  key: 'id',
  columns: [
    'tenant_id',
    'id',
    'report_type',
    'industry',
    'cron',
    'recipients',
    'format',
    'created_by',
    'version',
    'created_at',
    'updated_at',
  ],
  handles: Object.values(ReportEvent),
  creates: [ReportEvent.ReportScheduleCreated],
  keysOf: (e) => [e.data.schedule_id],
  evolve(row, e) {
    if (e.type === ReportEvent.ReportScheduleCancelled) return null;
    const { report_type, industry, cron, recipients, format } = e.data;
    const base = row ?? { ...rowCreated(e, e.data.schedule_id), created_by: actorOf(e) };
    return { ...base, ...rowStamp(e), report_type, industry, cron, recipients, format };
  },
});
