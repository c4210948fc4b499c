import type { z } from 'zod';
import type { Context } from './context.ts';
import type { AnyContract } from './contracts/shared.ts';
import { apiKeysRouter, authRouter, healthRouter, tenantsRouter } from './routers/identity.ts';
import { pipelineRouter } from './routers/pipeline/index.ts';
import { accountsRouter } from './routers/accounts.ts';
import { organizationsRouter } from './routers/companies.ts';
import { personsRouter } from './routers/people.ts';
import { usersRouter } from './routers/users.ts';
import { emailSettingsRouter } from './routers/email-settings.ts';
import { orgSettingsRouter, permissionsRouter, profilesRouter } from './routers/access.ts';
import { registryRouter } from './routers/registry.ts';
import { platformEventsRouter } from './routers/platform-events.ts';
import { privacyRouter } from './routers/privacy.ts';
import { businessProfileRouter } from './routers/business-profile.ts';
import { setupRouter } from './routers/setup.ts';
import { notificationTemplatesRouter } from './routers/notification-templates.ts';
import { notificationAnalyticsRouter } from './routers/notification-analytics.ts';
import { chatRouter } from './routers/chat.ts';
import { meRouter } from './routers/me.ts';
import { billingRouter } from './routers/billing.ts';
import { notificationsRouter } from './routers/notifications.ts';
import { teamsRouter } from './routers/teams.ts';
import { reportsRouter } from './routers/reports.ts';
import { analyticsRouter } from './routers/analytics.ts';
import { createCallerFactory, router } from './trpc.ts';

/** The one implementation of every use case; REST faces and the typed client both call it. */
export const appRouter = router({
  notifications: notificationsRouter,
  health: healthRouter,
  tenants: tenantsRouter,
  auth: authRouter,
  apiKeys: apiKeysRouter,
  users: usersRouter,
  pipeline: pipelineRouter,
  people: router({ persons: personsRouter }),
  companies: router({ organizations: organizationsRouter, accounts: accountsRouter }),
  emailSettings: emailSettingsRouter,
  profiles: profilesRouter,
  permissions: permissionsRouter,
  orgSettings: orgSettingsRouter,
  registry: registryRouter,
  platformEvents: platformEventsRouter,
  privacy: privacyRouter,
  businessProfile: businessProfileRouter,
  setup: setupRouter,
  teams: teamsRouter,
  notificationTemplates: notificationTemplatesRouter,
  notificationAnalytics: notificationAnalyticsRouter,
  chat: chatRouter,
  me: meRouter,
  billing: billingRouter,
  reports: reportsRouter,
  analytics: analyticsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

/**
 * Calls the procedure that implements a contract, as the caller the context describes. The REST
 * faces call the router only through here, so the contract a route declares is the one it runs.
 */
export async function invoke<C extends AnyContract>(ctx: Context, contract: C, input: z.input<C['input']>): Promise<z.output<C['output']>> {
  let target: unknown = createCaller(ctx);
  for (const key of contract.path.split('.')) target = (target as Record<string, unknown>)[key];
  if (typeof target !== 'function') throw new Error(`no procedure implements ${contract.path}`);
  // The procedure at contract.path was built from this contract (a test checks every one).
  return (await target(input)) as z.output<C['output']>;
}

/** Calls a streaming procedure (a CSV export): its chunks, pulled as the response is written. */
export async function invokeStream<C extends AnyContract>(
  ctx: Context,
  contract: C,
  input: z.input<C['input']>,
): Promise<AsyncIterable<z.output<C['output']>>> {
  const out: unknown = await invoke(ctx, contract, input);
  if (out === null || typeof out !== 'object' || !(Symbol.asyncIterator in out)) throw new Error(`${contract.path} does not stream`);
  return out as AsyncIterable<z.output<C['output']>>;
}
