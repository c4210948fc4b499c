import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export type { RegistryEntitiesTable, RegistryLinksTable } from './tables.ts';
export { registryEntitiesProjection, registryLinksProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
