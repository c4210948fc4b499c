import { z } from 'zod';
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
import type { AnyContract } from './shared.ts';

export * from './shared.ts';
export * from './answers.ts';
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

const modules = {
  identity,
  pipeline,
  people,
  companies,
  account,
  users,
  emailSettings,
  access,
  registry,
  platformEvents,
  privacy,
  businessProfile,
  setup,
  notificationTemplates,
  notificationAnalytics,
  billing,
  chat,
  me,
  notifications,
  teams,
  reports,
  analytics,
};

function isContract(v: unknown): v is AnyContract {
  return (
    typeof v === 'object' && v !== null && typeof (v as AnyContract).path === 'string' && (v as AnyContract).input instanceof z.ZodType
  );
}

/** A contract, or a group of them such as `pipeline.deals`: what a module exports that names procedures. */
function contractsIn(v: unknown): AnyContract[] {
  if (isContract(v)) return [v];
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return [];
  return Object.values(v).filter(isContract);
}

/**
 * Every contract, for the tests and tools that walk them all: what each module exports, alone or in
 * groups, each once (a contract a module exports both alone and in a group is still one procedure).
 */
export const allContracts: AnyContract[] = [...new Set(Object.values(modules).flatMap((m) => Object.values(m).flatMap(contractsIn)))];
