import { Hono } from 'hono';
import { accountRoutes as crmAccountRoutes } from './accounts/accounts.ts';
import { accountRoutes } from './api-v1/account.ts';
import { accessRoutes } from './api-v1/access.ts';
import { entityRegistryRoutes } from './api-v1/entity-registry.ts';
import { platformEventRoutes } from './api-v1/platform-events.ts';
import { authRoutes } from './api-v1/auth.ts';
import { emailSettingsRoutes } from './api-v1/email-settings.ts';
import { privacyRoutes } from './api-v1/privacy.ts';
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

export type { RestEnv } from './shared/env.ts';
export { errorResponse } from './shared/mount.ts';
export { accountsFace, apiV1Face, crmFace, faceOfPath, v1Face, type Face } from './shared/face.ts';
export type { DeclaredRoute } from './shared/route.ts';
export { buildOpenApi } from './openapi/index.ts';

/** Every documented REST route, each declared once. */
export const restRoutes: readonly DeclaredRoute[] = [
  ...tenantRoutes,
  ...authRoutes,
  ...accountRoutes,
  ...userRoutes,
  ...stageRoutes,
  ...dealRoutes,
  ...personRoutes,
  ...personActionRoutes,
  ...organizationRoutes,
  ...crmAccountRoutes,
  ...emailSettingsRoutes,
  ...accessRoutes,
  ...entityRegistryRoutes,
  ...platformEventRoutes,
  ...privacyRoutes,
];

/** Every documented REST surface, mounted from its declarations. */
export function restFaces(routes: readonly DeclaredRoute[] = restRoutes): Hono<RestEnv> {
  const app = new Hono<RestEnv>();
  mount(app, routes);
  return app;
}
