export * from './errors.ts';
export * from './clock.ts';
export * from './events.ts';
export type { CommandContext } from './command.ts';
export { tenantRows } from './rows.ts';
