import './tables.ts';
export * from './commands.ts';
export * from './queries.ts';
export type { Actor, Team, UpdateUser, UserState, UserStatus } from './decide.ts';
export { erasedUser } from './evolve.ts';
export type * from './tables.ts';
