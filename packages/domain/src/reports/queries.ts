import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import '../pipeline/deals/tables.ts';
import '../pipeline/stages/tables.ts';
import { DomainError } from '../shared/errors.ts';
import { tenantRows } from '../shared/rows.ts';
import { industrySlug } from './rollups.ts';
import type { ScheduleState } from './decide.ts';
import type { ReportFormat, ReportType } from './events.ts';
import type { ReportIndustryRollupsTable, ReportRunsTable, ReportSchedulesTable } from './tables.ts';
import './tables.ts';

// Reads of the reports: the pre-computed rollups (never recomputed here), the schedules and their runs.

/** Every industry with a rollup, the largest first. */
export function listRollups(tx: Tx, tenantId: string): Promise<ReportIndustryRollupsTable[]> {
  return tenantRows(tx, tenantId, 'report_industry_rollups').selectAll().orderBy('organizations', 'desc').orderBy('industry').execute();
}

/** One industry's rollup, found by its slug or any spelling of it; 404 when the tenant has none. */
export async function getRollup(tx: Tx, tenantId: string, industry: string): Promise<ReportIndustryRollupsTable> {
  const slug = industrySlug(industry);
  const row = await tenantRows(tx, tenantId, 'report_industry_rollups').selectAll().where('industry', '=', slug).executeTakeFirst();
  if (!row) {
    throw new DomainError(
      'not_found',
      'industry_not_found',
      `no benchmark for industry "${industry}": GET /v1/reports/industries lists them`,
      {
        industry: slug,
      },
    );
  }
  return row;
}

/** When the tenant's rollups were last computed, or null before the first time. */
export async function rollupsComputedAt(tx: Tx, tenantId: string): Promise<Date | null> {
  const row = await tenantRows(tx, tenantId, 'report_rollup_state').select('computed_at').executeTakeFirst();
  return row?.computed_at ?? null;
}

export function listSchedules(tx: Tx, tenantId: string): Promise<ReportSchedulesTable[]> {
  return tenantRows(tx, tenantId, 'report_schedules').selectAll().orderBy('created_at').orderBy('id').execute();
}

export function findSchedule(tx: Tx, tenantId: string, id: string): Promise<ReportSchedulesTable | undefined> {
  return tenantRows(tx, tenantId, 'report_schedules').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The schedule's row, locked: for update by its commands, for share by the worker firing it. */
export function lockedSchedule(tx: Tx, tenantId: string, id: string, mode: 'update' | 'share'): Promise<ReportSchedulesTable | undefined> {
  const q = tenantRows(tx, tenantId, 'report_schedules').selectAll().where('id', '=', id);
  return (mode === 'update' ? q.forUpdate() : q.forShare()).executeTakeFirst();
}

/** The row as decide sees it. */
export function scheduleState(row: ReportSchedulesTable | undefined): ScheduleState {
  if (!row) return null;
  return {
    id: row.id,
    report_type: row.report_type as ReportType,
    industry: row.industry,
    cron: row.cron,
    recipients: row.recipients,
    format: row.format as ReportFormat,
  };
}

/** The latest run of each of these schedules. */
export async function lastRuns(tx: Tx, tenantId: string, ids: string[]): Promise<Map<string, ReportRunsTable>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<ReportRunsTable>`select distinct on (schedule_id) * from report_runs
    where tenant_id = ${tenantId} and schedule_id = any(${ids}::uuid[]) order by schedule_id, bucket desc`.execute(tx);
  return new Map(rows.map((r) => [r.schedule_id, r]));
}

export interface PipelineStageSummary {
  stage_id: string;
  name: string;
  position: number;
  is_won: boolean;
  is_lost: boolean;
  deals: number;
  value_usd: number;
}

/** The pipeline as it stands: deals and value per stage, in pipeline order. */
export async function pipelineSummary(tx: Tx, tenantId: string): Promise<PipelineStageSummary[]> {
  const { rows } = await sql<Omit<PipelineStageSummary, 'value_usd'> & { value_usd: string }>`
    select s.id as stage_id, s.name, s.position, s.is_won, s.is_lost, count(d.id)::int as deals, coalesce(sum(d.value_usd), 0)::text as value_usd
    from crm_stages s left join crm_deals d on d.tenant_id = s.tenant_id and d.stage_id = s.id
    where s.tenant_id = ${tenantId} group by s.id order by s.position, s.id`.execute(tx);
  return rows.map((r) => ({ ...r, value_usd: Number(r.value_usd) }));
}
