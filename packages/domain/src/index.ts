import type { Projection, Upcasters } from '@crm/eventstore';
import { identityEventSchemas, identityProjections } from './identity/index.ts';
import { dealEventSchemas } from './pipeline/deals/events.ts';
import { dealProjections, stagesProjection } from './pipeline/index.ts';
import { stageEventSchemas } from './pipeline/stages/events.ts';
import { personEventSchemas, personMergesProjection, personsProjection } from './people/index.ts';
import { companiesProjection, companyEventSchemas } from './companies/index.ts';
import { profileEventSchemas, userProfilesProjection } from './identity/profile.ts';
import { emailSettingsEventSchemas, emailSettingsProjection } from './email/index.ts';
import { accessEventSchemas, orgSettingsProjection, permissionProfilesProjection } from './access/index.ts';
import { registryEntitiesProjection, registryEventSchemas, registryLinksProjection } from './registry/index.ts';

export * from './shared/index.ts';
export * as identity from './identity/index.ts';
export * as pipeline from './pipeline/index.ts';
export * as people from './people/index.ts';
export * as companies from './companies/index.ts';
export * as email from './email/index.ts';
export * as access from './access/index.ts';
export * as registry from './registry/index.ts';
export * as privacy from './privacy/index.ts';
export * as platformEvents from './platform-events/index.ts';
export * as notifications from './notifications/index.ts';

/** Every read model kept inside the append's transaction, in the order they run. */
export const inlineProjections: Projection[] = [
  ...identityProjections,
  userProfilesProjection,
  stagesProjection,
  companiesProjection,
  personsProjection,
  personMergesProjection,
  ...dealProjections,
  emailSettingsProjection,
  permissionProfilesProjection,
  orgSettingsProjection,
  registryEntitiesProjection,
  registryLinksProjection,
];

/**
 * Every event type the app appends, with the zod schema its data must match: the EventStore is
 * built with it and parses each event at append. The modules' types are disjoint (a test checks).
 */
export const eventSchemas = {
  ...identityEventSchemas,
  ...profileEventSchemas,
  ...stageEventSchemas,
  ...personEventSchemas,
  ...companyEventSchemas,
  ...dealEventSchemas,
  ...emailSettingsEventSchemas,
  ...accessEventSchemas,
  ...registryEventSchemas,
} as const;

/** Old event shapes to current ones, per event type and schema version. None yet. */
export const upcasters: Upcasters = {};

/**
 * Seals personal data under per-subject keys on append and opens it on read (privacy/codec.ts):
 * give it to every EventStore and every rebuildProjections of these projections.
 */
export { privacyCodec as eventCodec } from './privacy/codec.ts';
