import './tables.ts';
export type { AnalyticsEventsTable } from './tables.ts';
export * from './track.ts';
export * from './traffic.ts';
