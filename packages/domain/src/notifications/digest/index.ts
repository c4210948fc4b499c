import './tables.ts';
export * from './schedule.ts';
export * from './events.ts';
export * from './decide.ts';
export type { NotificationDigestSettingsTable, NotificationDigestsTable } from './tables.ts';
export { digestSettingsProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
