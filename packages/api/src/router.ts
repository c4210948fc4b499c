import { apiKeysRouter, authRouter, healthRouter, tenantsRouter } from './routers/identity.ts';
import { stagesRouter } from './routers/pipeline/stages.ts';
import { createCallerFactory, router } from './trpc.ts';

/** The one implementation of every use case; REST faces and the typed client both call it. */
export const appRouter = router({
  health: healthRouter,
  tenants: tenantsRouter,
  auth: authRouter,
  apiKeys: apiKeysRouter,
  pipeline: router({
    stages: stagesRouter,
  }),
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
