/** One industry's pre-computed benchmark for a tenant (migration 0025). */
export interface ReportIndustryRollupsTable {
  tenant_id: string;
  /** The slug the industry is found by (lower case, words joined by `-`). */
  industry: string;
  /** The industry as the tenant writes it most often. */
  name: string;
  organizations: number;
  enrichment_rate: number;
  persons: number;
  persons_with_email: number;
  new_last_30: number;
  new_prior_30: number;
  top_domains: unknown;
  computed_at: Date;
}

/** When a tenant's rollups were last computed, and the last event they saw. */
export interface ReportRollupStateTable {
  tenant_id: string;
  computed_at: Date;
  through_position: string | null;
}

/** Read model of the `report_schedule/<id>` streams. */
export interface ReportSchedulesTable {
  tenant_id: string;
  id: string;
  report_type: string;
  industry: string | null;
  cron: string;
  recipients: string[];
  format: string;
  created_by: number | null;
  version: string;
  created_at: Date;
  updated_at: Date;
}

/** One firing of a schedule: its key (schedule, bucket) is what makes it fire at most once per bucket. */
export interface ReportRunsTable {
  tenant_id: string;
  schedule_id: string;
  bucket: Date;
  scheduled_for: Date;
  status: 'queued' | 'skipped';
  reason: string | null;
  mail_ids: string[];
  fired_at: Date;
}

declare module '@crm/db' {
  interface Database {
    report_industry_rollups: ReportIndustryRollupsTable;
    report_rollup_state: ReportRollupStateTable;
    report_schedules: ReportSchedulesTable;
    report_runs: ReportRunsTable;
  }
}
