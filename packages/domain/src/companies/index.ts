import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export type { CompaniesTable, PlatformNumbersTable } from './tables.ts';
export { companiesProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
