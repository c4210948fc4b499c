import type { Tx } from '@crm/db';
import { DomainError, iso, pipeline, reports as domain, snakeCase } from '@crm/domain';
import type { z } from 'zod';
import type { Benchmark, IndustrySummary } from '../contracts/reports.ts';

// The figures of each report type, in the contracts' vocabulary, and the same figures laid out
// for a document (PDF) and a table (CSV): one source for the JSON, the PDF, the CSV and the mail.

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function benchmarkOf(r: domain.ReportIndustryRollupsTable): Benchmark {
  return {
    industry: r.industry,
    name: r.name,
    organizations: r.organizations,
    enrichmentRate: round(r.enrichment_rate),
    emailCoverage: r.persons > 0 ? round(r.persons_with_email / r.persons) : null,
    persons: r.persons,
    personsWithEmail: r.persons_with_email,
    growth: {
      windowDays: 30,
      current: r.new_last_30,
      previous: r.new_prior_30,
      rate: r.new_prior_30 > 0 ? round((r.new_last_30 - r.new_prior_30) / r.new_prior_30) : null,
    },
    topDomains: (r.top_domains as domain.TopDomain[]).map((d) => ({
      domain: d.domain,
      dealValueUsd: d.deal_value_usd,
      dealCount: d.deal_count,
      organizations: d.organizations,
    })),
    computedAt: iso(r.computed_at),
  };
}

export const industrySummaryOf = (r: domain.ReportIndustryRollupsTable): z.output<typeof IndustrySummary> => ({
  industry: r.industry,
  name: r.name,
  organizations: r.organizations,
  computedAt: iso(r.computed_at),
});

/** A report laid out for a page: facts (label, value) and tables. */
export interface ReportDoc {
  title: string;
  subtitle: string;
  facts: [string, string][];
  tables: { heading: string; columns: string[]; rows: string[][] }[];
}

export interface BuiltReport {
  /** Used in file names: `industry-benchmark-software`. */
  slug: string;
  title: string;
  /** The figures, in the contracts' vocabulary (the JSON attachment is them in snake_case). */
  data: Record<string, unknown>;
  doc: ReportDoc;
  /** One header row, then one row per record. */
  table: unknown[][];
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const usd = (x: number) => `$${x.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
const signedPct = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);

const BENCHMARK_COLUMNS = [
  'industry',
  'name',
  'organizations',
  'enrichment_rate',
  'email_coverage',
  'persons',
  'persons_with_email',
  'new_last_30_days',
  'new_previous_30_days',
  'growth_rate',
  'top_domains',
  'computed_at',
];
const benchmarkRow = (b: Benchmark) => [
  b.industry,
  b.name,
  b.organizations,
  b.enrichmentRate,
  b.emailCoverage,
  b.persons,
  b.personsWithEmail,
  b.growth.current,
  b.growth.previous,
  b.growth.rate,
  b.topDomains.map((d) => d.domain).join(' '),
  b.computedAt,
];

/** The benchmark as a page: the same figures the JSON carries. */
export function benchmarkDoc(b: Benchmark): ReportDoc {
  return {
    title: `Industry benchmark: ${b.name}`,
    subtitle: `Industry "${b.industry}", computed ${b.computedAt}`,
    facts: [
      ['Organizations', String(b.organizations)],
      ['Average enrichment rate', pct(b.enrichmentRate)],
      ['Email coverage', `${pct(b.emailCoverage)} (${b.personsWithEmail} of ${b.persons} persons)`],
      ['New organizations, last 30 days', String(b.growth.current)],
      ['New organizations, previous 30 days', String(b.growth.previous)],
      ['Growth', signedPct(b.growth.rate)],
    ],
    tables: [
      {
        heading: 'Top domains',
        columns: ['Domain', 'Deal value (USD)', 'Deals', 'Organizations'],
        rows: b.topDomains.map((d) => [d.domain, usd(d.dealValueUsd), String(d.dealCount), String(d.organizations)]),
      },
    ],
  };
}

/** A benchmark of an industry without organizations (yet): a schedule may name one. */
function emptyBenchmark(industry: string, now: Date): Benchmark {
  return {
    industry,
    name: industry,
    organizations: 0,
    enrichmentRate: 0,
    emailCoverage: null,
    persons: 0,
    personsWithEmail: 0,
    growth: { windowDays: 30, current: 0, previous: 0, rate: null },
    topDomains: [],
    computedAt: iso(now),
  };
}

async function benchmarkReport(tx: Tx, tenantId: string, industry: string, now: Date): Promise<BuiltReport> {
  let b: Benchmark;
  try {
    b = benchmarkOf(await domain.getRollup(tx, tenantId, industry));
  } catch (e) {
    if (!(e instanceof DomainError && e.code === 'industry_not_found')) throw e;
    b = emptyBenchmark(domain.industrySlug(industry), now);
  }
  return {
    slug: `industry-benchmark-${b.industry}`,
    title: `Industry benchmark: ${b.name}`,
    data: b,
    doc: benchmarkDoc(b),
    table: [BENCHMARK_COLUMNS, benchmarkRow(b)],
  };
}

async function overviewReport(tx: Tx, tenantId: string, now: Date): Promise<BuiltReport> {
  const all = (await domain.listRollups(tx, tenantId)).map(benchmarkOf);
  return {
    slug: 'industries-overview',
    title: 'Industries overview',
    data: { industries: all },
    doc: {
      title: 'Industries overview',
      subtitle: `${all.length} industries, as of ${iso(now)}`,
      facts: [['Organizations', String(all.reduce((n, b) => n + b.organizations, 0))]],
      tables: [
        {
          heading: 'Industries',
          columns: ['Industry', 'Organizations', 'Enrichment', 'Email coverage', 'Growth'],
          rows: all.map((b) => [b.name, String(b.organizations), pct(b.enrichmentRate), pct(b.emailCoverage), signedPct(b.growth.rate)]),
        },
      ],
    },
    table: [BENCHMARK_COLUMNS, ...all.map(benchmarkRow)],
  };
}

async function pipelineReport(tx: Tx, tenantId: string, now: Date): Promise<BuiltReport> {
  const stages = await domain.pipelineSummary(tx, tenantId);
  const totalDeals = stages.reduce((n, s) => n + s.deals, 0);
  const totalValueUsd = stages.reduce((n, s) => n + s.value_usd, 0);
  const data = {
    asOf: iso(now),
    totalDeals,
    totalValueUsd,
    stages: stages.map((s) => ({
      stageId: s.stage_id,
      name: s.name,
      isWon: s.is_won,
      isLost: s.is_lost,
      deals: s.deals,
      valueUsd: s.value_usd,
    })),
  };
  return {
    slug: 'pipeline-summary',
    title: 'Pipeline summary',
    data,
    doc: {
      title: 'Pipeline summary',
      subtitle: `As of ${data.asOf}`,
      facts: [
        ['Deals', String(totalDeals)],
        ['Total value', usd(totalValueUsd)],
      ],
      tables: [
        {
          heading: 'Stages',
          columns: ['Stage', 'Deals', 'Value (USD)'],
          rows: stages.map((s) => [s.name, String(s.deals), usd(s.value_usd)]),
        },
      ],
    },
    table: [
      ['stage_id', 'stage', 'is_won', 'is_lost', 'deals', 'value_usd'],
      ...stages.map((s) => [s.stage_id, s.name, s.is_won, s.is_lost, s.deals, s.value_usd]),
    ],
  };
}

/** The report a schedule sends, built from the tenant's data now (benchmarks from their rollups). */
export function buildReport(
  tx: Tx,
  tenantId: string,
  s: Pick<domain.ReportSchedulesTable, 'report_type' | 'industry'>,
  now: Date,
): Promise<BuiltReport> {
  switch (s.report_type as domain.ReportType) {
    case 'industry_benchmark':
      return benchmarkReport(tx, tenantId, s.industry ?? '', now);
    case 'industries_overview':
      return overviewReport(tx, tenantId, now);
    case 'pipeline_summary':
      return pipelineReport(tx, tenantId, now);
  }
}

/** The table as CSV (RFC 4180, as the deals export writes it). */
export const csvOf = (table: unknown[][]) => table.map((row) => pipeline.deals.csvRow(row)).join('');

/** The figures in document 000's casing, for the JSON attachment and the preview. */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeCase(k), snakeKeys(v)]));
  return value;
}
