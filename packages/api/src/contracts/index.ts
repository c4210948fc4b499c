import * as identity from './identity.ts';
import * as pipeline from './pipeline.ts';
import * as people from './people.ts';
import * as companies from './companies.ts';
import * as account from './account.ts';
import * as users from './users.ts';
import * as emailSettings from './email-settings.ts';
import * as access from './access.ts';
import * as registry from './registry.ts';
import * as platformEvents from './platform-events.ts';
import * as privacy from './privacy.ts';
import * as businessProfile from './business-profile.ts';
import * as setup from './setup.ts';
import * as notificationTemplates from './notification-templates.ts';
import * as notificationAnalytics from './notification-analytics.ts';
import * as billing from './billing.ts';
import * as chat from './chat.ts';
import * as me from './me.ts';
import * as notifications from './notifications.ts';
import * as teams from './teams.ts';
import * as reports from './reports.ts';
import * as analytics from './analytics.ts';

export * from './shared.ts';
export { identity, pipeline };
export { people, companies };
export { account };
export { users };
export { emailSettings };
export { access };
export { registry, platformEvents };
export { privacy };
export { businessProfile, setup };
export { notificationTemplates, notificationAnalytics };
export { billing };
export { chat, me };
export { notifications };
export { teams };
export { reports, analytics };

/** Every contract, for the tests and tools that walk them all. */
export const allContracts = [
  ...Object.values(reports.reports),
  ...Object.values(reports.schedules),
  ...Object.values(analytics.analytics),
  ...Object.values(notifications.notifications),
  ...Object.values(notifications.preferences),
  ...Object.values(notifications.rules),
  ...Object.values(identity.tenants),
  ...Object.values(identity.auth),
  ...Object.values(account.passwords),
  ...Object.values(account.emailVerification),
  ...Object.values(account.profile),
  ...Object.values(account.preferences),
  ...Object.values(identity.apiKeys),
  ...Object.values(users.users),
  ...Object.values(identity.health),
  ...Object.values(pipeline.stages),
  ...Object.values(pipeline.deals),
  ...Object.values(pipeline.contacts),
  ...Object.values(pipeline.activities),
  pipeline.leaderboard,
  ...Object.values(pipeline.board),
  ...Object.values(people.persons),
  ...Object.values(companies.organizations),
  ...Object.values(companies.accounts),
  ...Object.values(emailSettings.smtp),
  ...Object.values(emailSettings.sender),
  ...Object.values(emailSettings.tracking),
  ...Object.values(emailSettings.compliance),
  ...Object.values(emailSettings.footer),
  ...Object.values(emailSettings.deliverability),
  emailSettings.status,
  ...Object.values(emailSettings.outbox),
  ...Object.values(access.profiles),
  access.permissionsMe,
  ...Object.values(access.orgSettings),
  ...Object.values(registry.registry),
  ...Object.values(platformEvents.platformEvents),
  ...Object.values(privacy.persons),
  ...Object.values(businessProfile.businessProfile),
  ...Object.values(setup.setupHub),
  ...Object.values(notificationTemplates.templates),
  notificationAnalytics.overview,
  notificationAnalytics.digest,
  ...Object.values(notificationAnalytics.digestSettings),
  ...Object.values(billing.billingContracts),
  ...Object.values(chat.chat),
  ...Object.values(me.me),
  ...Object.values(teams.teams),
  ...Object.values(teams.org),
];
