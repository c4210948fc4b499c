import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export type { EmailSettingsTable, EmailSmtpSecretsTable } from './tables.ts';
export { emailSettingsProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
