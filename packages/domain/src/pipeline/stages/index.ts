import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export type { StagesTable } from './tables.ts';
export { stagesProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
