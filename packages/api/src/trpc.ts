import { DomainError, identity } from '@crm/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { Context } from './context.ts';
import { describeError, toTRPCError } from './errors.ts';
import { planOf } from './plan.ts';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  isDev: false,
  errorFormatter({ shape, error }) {
    const d = describeError(error);
    return { ...shape, message: d.message, data: { ...shape.data, stack: undefined, appCode: d.code, details: d.details } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain refusals become typed tRPC errors (NOT_FOUND, CONFLICT ...) instead of a 500 with a cause. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && result.error.cause) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped.code !== 'INTERNAL_SERVER_ERROR') return { ...result, error: mapped };
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal) {
    throw toTRPCError(ctx.authError ?? new DomainError('unauthorized', 'authentication_required', 'send Authorization: Bearer <access token or cdb_ API key>'));
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

export type AuthedContext = Context & { principal: NonNullable<Context['principal']> };

export function requirePermission(permission: identity.Permission) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.principal?.permissions.has(permission)) {
      throw toTRPCError(new DomainError('forbidden', 'permission_denied', `your role (${ctx.principal?.role}) lacks ${permission}`, { permission }));
    }
    return next();
  });
}

/** "Pro+" gating: the plan is held on the tenant, so a trial that ends or a plan change applies at once. */
export function requirePlan(needed: identity.Plan) {
  return t.middleware(async ({ ctx, next }) => {
    if (!ctx.principal) return next();
    const plan = await planOf(ctx.services, ctx.principal.tenantId);
    if (!identity.planAtLeast(plan, needed)) {
      throw toTRPCError(
        new DomainError('payment_required', 'plan_upgrade_required', `this feature needs the ${needed} plan or higher; the tenant is on ${plan}`, {
          plan, required_plan: needed,
        }),
      );
    }
    return next();
  });
}

export { TRPCError };
