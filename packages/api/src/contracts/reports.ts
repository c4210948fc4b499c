import { reports as domain } from '@crm/domain';
import { z } from 'zod';
import { cronProblem } from '../reports/cron.ts';
import { deleted, timestamps } from './answers.ts';
import { contract, email, noInput, requiredText, timestamp, uuid } from './shared.ts';

// Document 000's reports: industry benchmarks (pre-computed rollups, read only here), their A4
// PDF, and scheduled reports mailed by the schedule worker. "Reports are Pro+" (document 000).

const PRO = 'pro' as const;
const READ = { permission: 'reports.read', plan: PRO } as const;
const SCHEDULE = { permission: 'reports.schedule', plan: PRO } as const;

const share = z.number().min(0).max(1);

export const TopDomain = z.object({
  domain: z.string(),
  dealValueUsd: z.number().describe('total value of the deals with this domain'),
  dealCount: z.number().int(),
  organizations: z.number().int().describe('organizations of the industry whose website has this domain'),
});

export const Benchmark = z.object({
  industry: z.string().describe('the industry’s slug: lower case, words joined by -'),
  name: z.string().describe('the industry as the tenant writes it most often'),
  organizations: z.number().int(),
  enrichmentRate: share.describe(`average share of an organization’s profile fields filled: ${domain.ENRICHMENT_FIELDS.join(', ')}`),
  emailCoverage: share.nullable().describe('share of the industry’s persons with an email; null without persons'),
  persons: z.number().int(),
  personsWithEmail: z.number().int(),
  growth: z.object({
    windowDays: z.literal(30),
    current: z.number().int().describe('organizations created in the last 30 days'),
    previous: z.number().int().describe('organizations created in the 30 days before'),
    rate: z.number().nullable().describe('(current - previous) / previous; null when previous is 0'),
  }),
  topDomains: z.array(TopDomain).describe('organization website domains, by deal value, then deal count; ten at most'),
  computedAt: timestamp,
});
export type Benchmark = z.infer<typeof Benchmark>;

export const IndustrySummary = z.object({
  industry: z.string(),
  name: z.string(),
  organizations: z.number().int(),
  computedAt: timestamp,
});

const industryInput = z.object({ industry: requiredText(200).describe('the slug, or the industry as written (case-insensitive)') });

const cron = z
  .string()
  .trim()
  .max(200)
  .superRefine((v, ctx) => {
    const problem = cronProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('5-field cron, UTC (minute hour day-of-month month day-of-week); fired at most once per 5-minute bucket');

export const scheduleFields = {
  reportType: z.enum(domain.REPORT_TYPES),
  industry: requiredText(200).nullable().optional().describe('for industry_benchmark: the industry (slug or as written)'),
  cron,
  recipients: z.array(email).min(1).max(domain.MAX_RECIPIENTS).describe(`1 to ${domain.MAX_RECIPIENTS} email addresses`),
  format: z.enum(domain.REPORT_FORMATS).default('pdf'),
};

export const LastRun = z.object({
  bucket: timestamp.describe('the 5-minute bucket it fired in'),
  scheduledFor: timestamp,
  status: z.enum(['queued', 'skipped']).describe('queued: the mail is in the outbox; skipped: see reason'),
  reason: z.string().nullable(),
  firedAt: timestamp,
});

export const Schedule = z.object({
  id: uuid,
  reportType: z.enum(domain.REPORT_TYPES),
  industry: z.string().nullable(),
  cron: z.string(),
  recipients: z.array(z.string()),
  format: z.enum(domain.REPORT_FORMATS),
  nextRunAt: timestamp.nullable(),
  lastRun: LastRun.nullable(),
  createdBy: z.number().int().nullable(),
  ...timestamps,
});
export type Schedule = z.infer<typeof Schedule>;

const reportId = { reportId: uuid };

export const Preview = z.object({
  reportId: uuid,
  reportType: z.enum(domain.REPORT_TYPES),
  nextRunAt: timestamp.nullable(),
  recipients: z.array(z.string()),
  format: z.enum(domain.REPORT_FORMATS),
  subject: z.string(),
  text: z.string().describe('the mail’s text'),
  attachment: z.object({ filename: z.string(), contentType: z.string(), sizeBytes: z.number().int() }),
  payload: z.record(z.string(), z.unknown()).describe('the report’s figures, as the JSON attachment carries them'),
});

export const reports = {
  industries: contract('reports.industries', {
    summary: 'Industries with a benchmark (pre-computed from your organizations), the largest first.',
    access: READ,
    input: noInput,
    output: z.object({ industries: z.array(IndustrySummary), computedAt: timestamp.nullable() }),
  }),
  benchmark: contract('reports.benchmark', {
    summary: 'One industry’s benchmark: enrichment rate, email coverage, growth, top domains.',
    access: READ,
    input: industryInput,
    output: Benchmark,
  }),
  benchmarkPdf: contract('reports.benchmarkPdf', {
    summary: 'The benchmark as an A4 PDF (base64 chunks over tRPC; the file itself over REST).',
    access: READ,
    input: industryInput,
    output: z.string().describe('base64 of a part of the PDF'),
  }),
  exportPreview: contract('reports.exportPreview', {
    summary: 'What a schedule (or the next one due) will send next, without sending it.',
    access: READ,
    input: z.object({ reportId: uuid.optional() }).optional(),
    output: Preview,
  }),
};

export const schedules = {
  list: contract('reports.schedules.list', {
    summary: 'The tenant’s report schedules, oldest first, with their next and last run.',
    access: READ,
    input: noInput,
    output: z.object({ schedules: z.array(Schedule) }),
  }),
  create: contract('reports.schedules.create', {
    summary: 'Schedule a report: its type, a cron (UTC), 1-20 recipients and a format.',
    access: SCHEDULE,
    input: z.object(scheduleFields),
    output: Schedule,
  }),
  update: contract('reports.schedules.update', {
    summary: 'Change the given fields of a schedule.',
    access: SCHEDULE,
    input: z.object({
      ...reportId,
      reportType: scheduleFields.reportType.optional(),
      industry: scheduleFields.industry,
      cron: cron.optional(),
      recipients: scheduleFields.recipients.optional(),
      format: z.enum(domain.REPORT_FORMATS).optional(),
    }),
    output: Schedule,
  }),
  cancel: contract('reports.schedules.cancel', {
    summary: 'Cancel a schedule: it fires no more.',
    access: SCHEDULE,
    input: z.object(reportId),
    output: deleted,
  }),
};
