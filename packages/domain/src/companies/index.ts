import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export type { CompaniesTable, PlatformNumbersTable } from './tables.ts';
export { companiesProjection } from './projection.ts';
export * from './queries.ts';
export { bareHost, notRegistryMerged, websiteDomain } from './domains.ts';
export * from './commands.ts';
