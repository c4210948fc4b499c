import { Hono } from 'hono';
import { accountRoutes as crmAccountRoutes } from './accounts/accounts.ts';
import { accountRoutes } from './api-v1/account.ts';
import { accessRoutes } from './api-v1/access.ts';
import { entityRegistryRoutes } from './api-v1/entity-registry.ts';
import { platformEventRoutes } from './api-v1/platform-events.ts';
import { authRoutes } from './api-v1/auth.ts';
import { emailSettingsRoutes } from './api-v1/email-settings.ts';
import { privacyRoutes } from './api-v1/privacy.ts';
import { setupHubRoutes } from './api-v1/setup-hub.ts';
import { businessProfileRoutes } from './v1-business-profile/business-profile.ts';
import { notificationTemplateRoutes } from './api-v1/notification-templates.ts';
import { notificationAnalyticsRoutes } from './api-v1/notification-analytics.ts';
import { chatRoutes } from './api-v1/chat.ts';
import { meRoutes } from './api-v1/me.ts';
import { billingRoutes } from './api-v1/billing.ts';
import { tenantRoutes } from './api-v1/tenants.ts';
import { userRoutes } from './api-v1/users.ts';
import { organizationRoutes } from './crm/organizations.ts';
import { personActionRoutes } from './crm/person-actions.ts';
import { personRoutes } from './crm/persons.ts';
import type { RestEnv } from './shared/env.ts';
import { mount } from './shared/mount.ts';
import type { DeclaredRoute } from './shared/route.ts';
import { dealRoutes } from './v1-crm/deals.ts';
import { stageRoutes } from './v1-crm/stages.ts';
import { reportRoutes } from './v1-reports/reports.ts';
import { scheduleRoutes } from './v1-reports/schedules.ts';
import { analyticsRoutes } from './v1-reports/analytics.ts';
import { notificationRoutes } from './api-v1/notifications.ts';
import { v1NotificationRoutes } from './v1-notifications/notifications.ts';
import { orgRoutes, teamRoutes } from './v1-teams/teams.ts';

export type { RestEnv } from './shared/env.ts';
export { errorResponse } from './shared/mount.ts';
export { accountsFace, apiV1Face, crmFace, faceOfPath, v1Face, type Face } from './shared/face.ts';
export type { DeclaredRoute } from './shared/route.ts';
export { buildOpenApi } from './openapi/index.ts';

/** Every documented REST route, each declared once. */
export const restRoutes: readonly DeclaredRoute[] = [
  ...notificationRoutes,
  ...v1NotificationRoutes,
  ...tenantRoutes,
  ...authRoutes,
  ...accountRoutes,
  ...userRoutes,
  ...stageRoutes,
  ...dealRoutes,
  ...reportRoutes,
  ...scheduleRoutes,
  ...analyticsRoutes,
  ...personRoutes,
  ...personActionRoutes,
  ...organizationRoutes,
  ...crmAccountRoutes,
  ...emailSettingsRoutes,
  ...accessRoutes,
  ...entityRegistryRoutes,
  ...platformEventRoutes,
  ...privacyRoutes,
  ...businessProfileRoutes,
  ...setupHubRoutes,
  ...teamRoutes,
  ...orgRoutes,
  ...notificationTemplateRoutes,
  ...notificationAnalyticsRoutes,
  ...chatRoutes,
  ...meRoutes,
  ...billingRoutes,
];

/** Every documented REST surface, mounted from its declarations. */
export function restFaces(routes: readonly DeclaredRoute[] = restRoutes): Hono<RestEnv> {
  const app = new Hono<RestEnv>();
  mount(app, routes);
  return app;
}
