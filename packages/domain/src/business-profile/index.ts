import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export * from './icp.ts';
export type { BusinessProfilesTable } from './tables.ts';
export { businessProfilesProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
export * from './ranking.ts';
