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
import { businessProfileEventSchemas, businessProfilesProjection } from './business-profile/index.ts';
import { setupEventSchemas, setupHubProjection } from './setup/index.ts';
import { teamEventSchemas, teamProjections } from './teams/index.ts';
import { templateEventSchemas, templateOverridesProjection } from './notifications/templates/index.ts';
import { digestEventSchemas, digestSettingsProjection } from './notifications/digest/index.ts';
import { chatEventSchemas, chatProjections } from './chat/index.ts';
import { billingAccountsProjection, billingEventSchemas } from './billing/index.ts';
import { inboxStateProjection, notificationEventSchemas, preferencesProjection } from './notifications/index.ts';
import { reportEventSchemas, reportSchedulesProjection } from './reports/index.ts';

export * from './shared/index.ts';
export * as identity from './identity/index.ts';
export * as pipeline from './pipeline/index.ts';
export * as people from './people/index.ts';
export * as companies from './companies/index.ts';
export * as email from './email/index.ts';
export * as access from './access/index.ts';
export * as registry from './registry/index.ts';
export * as businessProfile from './business-profile/index.ts';
export * as setup from './setup/index.ts';
export * as teams from './teams/index.ts';
export * as chat from './chat/index.ts';
export * as me from './me/index.ts';
export * as billing from './billing/index.ts';
export * as privacy from './privacy/index.ts';
export * as platformEvents from './platform-events/index.ts';
export * as notifications from './notifications/index.ts';
export * as notificationTemplates from './notifications/templates/index.ts';
export * as notificationDigest from './notifications/digest/index.ts';
export * as notificationAnalytics from './notifications/analytics/index.ts';
export * as reports from './reports/index.ts';
export * as analytics from './analytics/index.ts';

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
  businessProfilesProjection,
  setupHubProjection,
  ...teamProjections,
  templateOverridesProjection,
  digestSettingsProjection,
  ...chatProjections,
  billingAccountsProjection,
  preferencesProjection,
  inboxStateProjection,
  reportSchedulesProjection,
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
  ...businessProfileEventSchemas,
  ...setupEventSchemas,
  ...teamEventSchemas,
  ...templateEventSchemas,
  ...digestEventSchemas,
  ...chatEventSchemas,
  ...billingEventSchemas,
  ...notificationEventSchemas,
  ...reportEventSchemas,
} as const;

/** Old event shapes to current ones, per event type and schema version. None yet. */
export const upcasters: Upcasters = {};

/**
 * Seals personal data under per-subject keys on append and opens it on read (privacy/codec.ts):
 * give it to every EventStore and every rebuildProjections of these projections.
 */
export { privacyCodec as eventCodec } from './privacy/codec.ts';
