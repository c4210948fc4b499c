import { DomainError, identity } from '@crm/domain';
import {
  initTRPC,
  type TRPCMutationProcedure,
  type TRPCQueryProcedure,
  type TRPCSubscriptionProcedure,
  type TrackedEnvelope,
  TRPCError,
} from '@trpc/server';
import superjson from 'superjson';
import type { z } from 'zod';
import type { Context } from './context.ts';
import type { Access, AuthedContract, PublicContract } from './contracts/shared.ts';
import { describeError, toTRPCError } from './errors.ts';
import { planOf } from './plan.ts';

export interface Meta {
  /** The contract a procedure implements: its access rule is read from here by REST and tests. */
  contract?: { path: string; access: Access };
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
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

export type AuthedContext = Context & { principal: NonNullable<Context['principal']> };

/**
 * The one access rule, in the order a client meets it: who you are (401), what your role may do
 * (403), what your plan includes (402). REST asks it before it validates a request, so a caller
 * without access learns nothing about the request's shape; the procedure asks it again, so no
 * face can skip it.
 */
export async function checkAccess(ctx: Context, access: Access): Promise<void> {
  if (access.public) return;
  if (!ctx.principal) {
    throw (
      ctx.authError ??
      new DomainError('unauthorized', 'authentication_required', 'send Authorization: Bearer <access token or cdb_ API key>')
    );
  }
  if (!ctx.principal.permissions.has(access.permission)) {
    throw new DomainError('forbidden', 'permission_denied', `your role (${ctx.principal.role}) lacks ${access.permission}`, {
      permission: access.permission,
    });
  }
  if (access.plan) {
    const plan = await planOf(ctx.services, ctx.principal.tenantId);
    if (!identity.planAtLeast(plan, access.plan)) {
      throw new DomainError(
        'payment_required',
        'plan_upgrade_required',
        `this feature needs the ${access.plan} plan or higher; the tenant is on ${plan}`,
        {
          plan,
          required_plan: access.plan,
        },
      );
    }
  }
}

/**
 * Checks the contract's access and hands on a context whose principal is known. (Public contracts
 * pass too; their resolvers are typed with the plain Context, whose principal may be null.)
 */
function authorized(access: Access) {
  return publicProcedure.use(async ({ ctx, next }) => {
    try {
      await checkAccess(ctx, access);
    } catch (error) {
      throw toTRPCError(error);
    }
    return next({ ctx: { ...ctx, principal: ctx.principal! } });
  });
}

/**
 * tRPC has parsed the input with the contract's schema; with the contract generic, TypeScript cannot
 * follow its inference through, so the parsed type is restated here once.
 */
const parsed = <C extends PublicContract | AuthedContract>(input: unknown) => input as z.output<C['input']>;

type Resolver<C extends PublicContract | AuthedContract, Ctx> = (opts: {
  ctx: Ctx;
  input: z.output<C['input']>;
  signal: AbortSignal | undefined;
}) => Promise<z.output<C['output']>>;

type ErrorShape = (typeof t)['_config']['$types']['errorShape'];
type Def<C extends PublicContract | AuthedContract, Output> = {
  input: z.input<C['input']>;
  output: Output;
  meta: Meta;
  errorShape: ErrorShape;
};
export type QueryOf<C extends PublicContract | AuthedContract> = TRPCQueryProcedure<Def<C, z.output<C['output']>>>;
export type MutationOf<C extends PublicContract | AuthedContract> = TRPCMutationProcedure<Def<C, z.output<C['output']>>>;

/*
 * Procedures are built from their contract: its access rule, its input schema, and a resolver
 * typed to return its result. Results are not parsed again at run time (the types hold them, and
 * the REST conformance tests check every answer against the schema).
 *
 * Each builder states its procedure's type from the contract: tRPC's own inference cannot see
 * through a generic contract and would leave the input `unknown` for every client.
 */

/** The contract's access rule, the contract on the procedure's meta, and its input parser. */
function prepared(c: PublicContract | AuthedContract) {
  return authorized(c.access).meta({ contract: c }).input(c.input);
}

/** tRPC's resolver options to the contract's: the input as the contract's parser made it. */
function call<C extends PublicContract | AuthedContract, Ctx, R>(
  resolve: (opts: { ctx: Ctx; input: z.output<C['input']>; signal: AbortSignal | undefined }) => R,
) {
  return ({ ctx, input, signal }: { ctx: Ctx; input: unknown; signal?: AbortSignal | undefined }) =>
    resolve({ ctx, input: parsed<C>(input), signal });
}

export function query<C extends AuthedContract>(c: C, resolve: Resolver<C, AuthedContext>): QueryOf<C> {
  return prepared(c).query(call<C, AuthedContext, ReturnType<typeof resolve>>(resolve)) as unknown as QueryOf<C>;
}

export function mutation<C extends AuthedContract>(c: C, resolve: Resolver<C, AuthedContext>): MutationOf<C> {
  return prepared(c).mutation(call<C, AuthedContext, ReturnType<typeof resolve>>(resolve)) as unknown as MutationOf<C>;
}

/** Public contracts pass the same access check, which lets every caller through. */
export function publicQuery<C extends PublicContract>(c: C, resolve: Resolver<C, Context>): QueryOf<C> {
  return prepared(c).query(call<C, Context, ReturnType<typeof resolve>>(resolve)) as unknown as QueryOf<C>;
}

export function publicMutation<C extends PublicContract>(c: C, resolve: Resolver<C, Context>): MutationOf<C> {
  return prepared(c).mutation(call<C, Context, ReturnType<typeof resolve>>(resolve)) as unknown as MutationOf<C>;
}

/** A query whose result is streamed: each yielded chunk has the contract's output shape. */
export function streamQuery<C extends AuthedContract>(
  c: C,
  resolve: (opts: { ctx: AuthedContext; input: z.output<C['input']> }) => AsyncGenerator<z.output<C['output']>, void, unknown>,
): TRPCQueryProcedure<Def<C, AsyncIterable<z.output<C['output']>, void, unknown>>> {
  const built = prepared(c).query(({ ctx, input }) => resolve({ ctx, input: parsed<C>(input) }));
  return built as unknown as TRPCQueryProcedure<Def<C, AsyncIterable<z.output<C['output']>, void, unknown>>>;
}

/** A live feed: each message is tracked by the id a client resumes from. */
export function subscription<C extends AuthedContract>(
  c: C,
  resolve: (opts: {
    ctx: AuthedContext;
    input: z.output<C['input']>;
    signal: AbortSignal | undefined;
  }) => AsyncGenerator<TrackedEnvelope<z.output<C['output']>>, void, unknown>,
): TRPCSubscriptionProcedure<Def<C, AsyncIterable<{ id: string; data: z.output<C['output']> }, void, unknown>>> {
  // A subscription outlives the request that opened it: before each item it sends, the credential
  // is judged again (the per-process credential cache makes that cheap), so a deactivation, a
  // lowered role, a logout-all or a suspended tenant stops the data at once and ends the stream.
  async function* guarded(opts: Parameters<typeof resolve>[0]): ReturnType<typeof resolve> {
    for await (const item of resolve(opts)) {
      if (opts.ctx.reauthorize) {
        try {
          await checkAccess(await opts.ctx.reauthorize(), c.access);
        } catch (error) {
          throw toTRPCError(error);
        }
      }
      yield item;
    }
  }
  const built = prepared(c).subscription(call<C, AuthedContext, ReturnType<typeof resolve>>(guarded));
  return built as unknown as TRPCSubscriptionProcedure<Def<C, AsyncIterable<{ id: string; data: z.output<C['output']> }, void, unknown>>>;
}

export { TRPCError };
