export * as stages from './stages/index.ts';
export * as deals from './deals/index.ts';
export { stagesProjection } from './stages/index.ts';
export { dealProjections } from './deals/index.ts';
