export * from './errors.ts';
export * from './clock.ts';
export * from './events.ts';
export * from './aes-gcm.ts';
export * from './format.ts';
export { likeEscape, type PageOrder, pageWithCount } from './paging.ts';
export type { CommandContext } from './command.ts';
export { tenantRows } from './rows.ts';
