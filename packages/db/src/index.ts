export type { Database, Db, Executor, Tx } from './database.ts';
export { createDb, type DbHandle, type DbOptions } from './create-db.ts';
export { inTenant, inSystem, asOwner } from './scope.ts';
export { APP_ROLE, SYSTEM_ROLE } from './roles.ts';
export { migrations, migrateToLatest } from './migrations/index.ts';
export { PGliteDialect } from './pglite-dialect/index.ts';
export * from './errors.ts';
export { TenantGroups, type TenantGroupOptions, GroupAbortedError } from './group.ts';
export { LaneQueue } from './lanes.ts';
