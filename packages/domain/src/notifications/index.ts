export * from './source.ts';
export { notificationSources } from './sources.ts';
export * from './tables.ts';
export * from './events.ts';
export * from './preferences.ts';
export * from './decide.ts';
export * from './render.ts';
export * from './queries.ts';
export * from './catalogue.ts';
export * from './commands.ts';
export { inboxStateProjection, preferencesProjection } from './projection.ts';
export {
  emailLeg,
  type EngineOptions,
  type InAppTemplates,
  notificationEngine,
  systemInAppTemplates,
  tenantInAppTemplates,
} from './engine.ts';
