import './tables.ts';
export type { PlatformEventsTable } from './tables.ts';
export * from './commands.ts';
export * from './queries.ts';
