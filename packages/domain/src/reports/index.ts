import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export type { ReportIndustryRollupsTable, ReportRollupStateTable, ReportRunsTable, ReportSchedulesTable } from './tables.ts';
export { reportSchedulesProjection } from './projection.ts';
export * from './rollups.ts';
export * from './queries.ts';
export * from './commands.ts';
