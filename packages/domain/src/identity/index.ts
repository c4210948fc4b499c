import './tables.ts';
export * from './events.ts';
export type * from './tables.ts';
export * from './plans.ts';
export * from './roles.ts';
export * from './commands.ts';
export * from './queries.ts';
export { identityProjections, tenantsProjection, usersProjection } from './projections.ts';
