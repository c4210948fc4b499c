export * from './source.ts';
export { notificationSources } from './sources.ts';
