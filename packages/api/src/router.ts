import { apiKeysRouter, authRouter, healthRouter, tenantsRouter } from './routers/identity.ts';
import { pipelineRouter } from './routers/pipeline/index.ts';
import { createCallerFactory, router } from './trpc.ts';

/** The one implementation of every use case; REST faces and the typed client both call it. */
export const appRouter = router({
  health: healthRouter,
  tenants: tenantsRouter,
  auth: authRouter,
  apiKeys: apiKeysRouter,
  pipeline: pipelineRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
