import * as identity from './identity.ts';
import * as pipeline from './pipeline.ts';

export * from './shared.ts';
export { identity, pipeline };

/** Every contract, for the tests and tools that walk them all. */
export const allContracts = [
  ...Object.values(identity.tenants),
  ...Object.values(identity.auth),
  ...Object.values(identity.apiKeys),
  ...Object.values(identity.health),
  ...Object.values(pipeline.stages),
  ...Object.values(pipeline.deals),
  ...Object.values(pipeline.contacts),
  ...Object.values(pipeline.activities),
  pipeline.leaderboard,
  ...Object.values(pipeline.board),
];
