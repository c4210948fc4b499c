import type { Tx } from '@crm/db';
import { DomainError, reports as domain, iso } from '@crm/domain';
import * as c from '../contracts/reports.ts';
import { benchmarkOf, industrySummaryOf, snakeKeys } from '../reports/figures.ts';
import { composeReportMail } from '../reports/compose.ts';
import { nextRun } from '../reports/cron.ts';
import { renderPdf } from '../reports/pdf.ts';
import { benchmarkDoc } from '../reports/figures.ts';
import { mutation, query, router, streamQuery } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Document 000's reports: benchmarks read from the pre-computed rollups, schedules as events.

/** A schedule's settings (what create and update write) as the contracts name them. */
const settingsOf = (s: domain.ReportSchedulesTable) => ({
  reportType: s.report_type as domain.ReportType,
  industry: s.industry,
  cron: s.cron,
  recipients: s.recipients,
  format: s.format as domain.ReportFormat,
});

function scheduleDto(s: domain.ReportSchedulesTable, last: domain.ReportRunsTable | undefined, now: Date): c.Schedule {
  const next = nextRun(s.cron, now);
  return {
    id: s.id,
    ...settingsOf(s),
    nextRunAt: next ? iso(next) : null,
    lastRun: last
      ? {
          bucket: iso(last.bucket),
          scheduledFor: iso(last.scheduled_for),
          status: last.status,
          reason: last.reason,
          firedAt: iso(last.fired_at),
        }
      : null,
    createdBy: s.created_by,
    createdAt: iso(s.created_at),
    updatedAt: iso(s.updated_at),
  };
}

async function schedulesOf(tx: Tx, tenantId: string, rows: domain.ReportSchedulesTable[], now: Date): Promise<c.Schedule[]> {
  const last = await domain.lastRuns(
    tx,
    tenantId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => scheduleDto(r, last.get(r.id), now));
}

const one = async (tx: Tx, tenantId: string, row: domain.ReportSchedulesTable, now: Date) =>
  (await schedulesOf(tx, tenantId, [row], now))[0]!;

/** The schedule named, or the one whose next run comes first. */
async function previewed(tx: Tx, tenantId: string, reportId: string | undefined, now: Date): Promise<domain.ReportSchedulesTable> {
  if (reportId) {
    const row = await domain.findSchedule(tx, tenantId, reportId);
    if (!row) throw new DomainError('not_found', 'schedule_not_found', `report schedule ${reportId} not found`);
    return row;
  }
  const soonest = (await domain.listSchedules(tx, tenantId))
    .map((row) => ({ row, at: nextRun(row.cron, now)?.getTime() ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.at - b.at)[0];
  if (!soonest) throw new DomainError('not_found', 'no_schedules', 'no report is scheduled: create one with POST /v1/reports/schedules');
  return soonest.row;
}

/** Industry as written (or slugged) to the contracts' schedule settings' slug. */
const industryOf = (industry: string | null | undefined) => (industry ? domain.industrySlug(industry) : industry);

export const reportsRouter = router({
  industries: query(c.reports.industries, async ({ ctx }) => {
    const tenantId = ctx.principal.tenantId;
    const [rows, at] = await runQuery(ctx, (tx) => Promise.all([domain.listRollups(tx, tenantId), domain.rollupsComputedAt(tx, tenantId)]));
    return { industries: rows.map(industrySummaryOf), computedAt: at ? iso(at) : null };
  }),
  benchmark: query(c.reports.benchmark, async ({ ctx, input }) =>
    benchmarkOf(await runQuery(ctx, (tx) => domain.getRollup(tx, ctx.principal.tenantId, input.industry))),
  ),
  benchmarkPdf: streamQuery(c.reports.benchmarkPdf, async function* ({ ctx, input }) {
    const b = benchmarkOf(await runQuery(ctx, (tx) => domain.getRollup(tx, ctx.principal.tenantId, input.industry)));
    yield (await renderPdf(benchmarkDoc(b), { generatedAt: ctx.services.clock.now() })).toString('base64');
  }),
  exportPreview: query(c.reports.exportPreview, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    const now = ctx.services.clock.now();
    return runQuery(ctx, async (tx) => {
      const s = await previewed(tx, tenantId, input?.reportId, now);
      const mail = await composeReportMail(tx, tenantId, s, now);
      const next = nextRun(s.cron, now);
      return {
        reportId: s.id,
        reportType: s.report_type as domain.ReportType,
        nextRunAt: next ? iso(next) : null,
        recipients: s.recipients,
        format: s.format as domain.ReportFormat,
        subject: mail.subject,
        text: mail.text,
        attachment: { filename: mail.file.filename, contentType: mail.file.contentType, sizeBytes: mail.file.content.length },
        payload: snakeKeys(mail.report.data) as Record<string, unknown>,
      };
    });
  }),
  schedules: router({
    list: query(c.schedules.list, async ({ ctx }) => {
      const tenantId = ctx.principal.tenantId;
      const now = ctx.services.clock.now();
      return { schedules: await runQuery(ctx, async (tx) => schedulesOf(tx, tenantId, await domain.listSchedules(tx, tenantId), now)) };
    }),
    create: mutation(c.schedules.create, async ({ ctx, input }) =>
      runCommand(ctx, async (cmd) =>
        one(
          cmd.tx,
          cmd.tenantId,
          await domain.addSchedule(cmd, {
            report_type: input.reportType,
            industry: industryOf(input.industry) ?? null,
            cron: input.cron,
            recipients: input.recipients,
            format: input.format,
          }),
          cmd.clock.now(),
        ),
      ),
    ),
    update: mutation(c.schedules.update, async ({ ctx, input }) =>
      runCommand(ctx, async (cmd) => {
        const changes: Partial<domain.ScheduleSettings> = {};
        if (input.reportType !== undefined) changes.report_type = input.reportType;
        if (input.industry !== undefined) changes.industry = industryOf(input.industry) ?? null;
        if (input.cron !== undefined) changes.cron = input.cron;
        if (input.recipients !== undefined) changes.recipients = input.recipients;
        if (input.format !== undefined) changes.format = input.format;
        return one(cmd.tx, cmd.tenantId, await domain.changeSchedule(cmd, input.reportId, changes), cmd.clock.now());
      }),
    ),
    cancel: mutation(c.schedules.cancel, async ({ ctx, input }) =>
      runCommand(ctx, async (cmd) => {
        await domain.removeSchedule(cmd, input.reportId);
        return { deleted: true as const, id: input.reportId };
      }),
    ),
  }),
});
