import './tables.ts';
export * from './events.ts';
export type { PersonsTable } from './tables.ts';
export { personsProjection } from './projection.ts';
export * from './commands.ts';
export * from './decide.ts';
export * from './queries.ts';
export * from './directory.ts';
