import type { Tx } from '@crm/db';
import type { reports as domain } from '@crm/domain';
import { mailText, type ReportFile, reportFile } from './attachment.ts';
import { type BuiltReport, buildReport } from './figures.ts';

export interface ReportMail {
  report: BuiltReport;
  subject: string;
  text: string;
  file: ReportFile;
}

/** What a schedule sends at `now`: the same for the export preview and the worker that mails it. */
export async function composeReportMail(tx: Tx, tenantId: string, s: domain.ReportSchedulesTable, now: Date): Promise<ReportMail> {
  const report = await buildReport(tx, tenantId, s, now);
  const file = await reportFile(report, s.format as domain.ReportFormat, now);
  return { report, subject: `${report.title} (${now.toISOString().slice(0, 10)})`, text: mailText(report, s.cron), file };
}
