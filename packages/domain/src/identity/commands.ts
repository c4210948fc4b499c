import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type CommandContext, appendFacts } from '../shared/command.ts';
import { identityEvent, tenantStream, userStream } from './events.ts';
import { TRIAL_DAYS, type Plan } from './plans.ts';
import type { Role } from './roles.ts';
import { linkPersonsToNewUser } from '../people/users-link.ts';

export interface RegisterTenantInput {
  tenantId: string;
  companyName: string;
  slug: string;
  adminEmail: string;
  adminFirstName: string;
  adminLastName: string;
  passwordHash: string;
}

/**
 * A tenant and its first admin, in one transaction. Slug and email uniqueness are enforced by the
 * projections' unique indexes inside the same transaction, so a duplicate rolls the events back too.
 */
export async function registerTenant(ctx: CommandContext, input: RegisterTenantInput) {
  const now = ctx.clock.now();
  const trialEnds = new Date(now.getTime() + TRIAL_DAYS * 86_400_000);
  await ctx.store.append(
    ctx.tx,
    input.tenantId,
    tenantStream(input.tenantId),
    'no_stream',
    [
      identityEvent('TenantRegistered', {
        tenant_id: input.tenantId,
        name: input.companyName,
        slug: input.slug,
        plan: 'pro',
        trial_ends_at: trialEnds.toISOString(),
      }),
    ],
    ctx.metadata,
  );
  const userId = await createUser(ctx, {
    email: input.adminEmail,
    firstName: input.adminFirstName,
    lastName: input.adminLastName,
    role: 'tenant_admin',
    passwordHash: input.passwordHash,
  });
  return { tenantId: input.tenantId, userId, trialEndsAt: trialEnds };
}

export async function createUser(
  ctx: CommandContext,
  input: { email: string; firstName: string; lastName: string; role: Role; passwordHash: string },
): Promise<number> {
  const { rows } = await sql<{ id: number }>`select nextval('user_ids')::int as id`.execute(ctx.tx);
  const userId = rows[0]!.id;
  await ctx.store.append(
    ctx.tx,
    ctx.tenantId,
    userStream(userId),
    'no_stream',
    [
      identityEvent('UserRegistered', {
        user_id: userId,
        email: input.email,
        first_name: input.firstName,
        last_name: input.lastName,
        role: input.role,
        status: 'active',
        email_verified: false,
      }),
    ],
    ctx.metadata,
  );
  await ctx.tx
    .insertInto('user_credentials')
    .values({ tenant_id: ctx.tenantId, user_id: userId, password_hash: input.passwordHash, updated_at: ctx.clock.now() })
    .execute();
  // Document 003: a user created with a person's email is bound to that person.
  await linkPersonsToNewUser(ctx, userId, input.email);
  return userId;
}

/** The operator's way to set a plan until billing exists; clears any trial. */
export async function setPlan(ctx: CommandContext, plan: Plan) {
  await appendFacts(ctx, tenantStream(ctx.tenantId), [identityEvent('TenantPlanChanged', { plan, trial_ends_at: null })]);
}

export const newTenantId = () => randomUUID();
