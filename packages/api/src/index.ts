export { appRouter, createCaller, type AppRouter } from './router.ts';
export { createContext, type Context } from './context.ts';
export { describeError, type ErrorDescription } from './errors.ts';
export type { Services, Logger } from './services.ts';
export { silentLogger } from './services.ts';
export type { Principal } from './auth/principal.ts';
export { forgetPlan } from './plan.ts';
export { runCommand, runQuery, metadataOf } from './unit-of-work.ts';
export { signJwt, verifyJwt } from './auth/jwt.ts';
