import './tables.ts';
export * from './events.ts';
export type { PersonsTable } from './tables.ts';
export { personsProjection } from './projection.ts';
export * from './commands.ts';
