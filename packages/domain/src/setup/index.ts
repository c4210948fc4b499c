import './tables.ts';
export * from './tasks.ts';
export * from './events.ts';
export * from './decide.ts';
export type { SetupHubTable, SetupTaskRow } from './tables.ts';
export { setupHubProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
