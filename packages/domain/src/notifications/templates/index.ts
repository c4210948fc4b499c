import './tables.ts';
export * from './events.ts';
export * from './render.ts';
export * from './decide.ts';
export type { NotificationTemplateOverridesTable } from './tables.ts';
export { overrideId, templateOverridesProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
