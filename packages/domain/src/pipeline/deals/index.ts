import './tables.ts';
export * from './events.ts';
export type * from './tables.ts';
export { rehomeDeals } from './rehome.ts';
