import type { Projection, Upcasters } from '@crm/eventstore';
import { identityProjections } from './identity/index.ts';
import { dealProjections, stagesProjection } from './pipeline/index.ts';
import { personsProjection } from './people/index.ts';

export * from './shared/index.ts';
export * as identity from './identity/index.ts';
export * as pipeline from './pipeline/index.ts';
export * as people from './people/index.ts';

/** Every read model kept inside the append's transaction, in the order they run. */
export const inlineProjections: Projection[] = [...identityProjections, stagesProjection, personsProjection, ...dealProjections];

/** Old event shapes to current ones, per event type and schema version. None yet. */
export const upcasters: Upcasters = {};
