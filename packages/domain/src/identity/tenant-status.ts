import { type CommandContext, appendFacts } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { type IdentityEvent, identityEvent, tenantStream } from './events.ts';

// Suspending a tenant is an operator's act (the CLI), not a tenant user's: while suspended, every
// credential of the tenant (logins, access tokens, API keys, refresh tokens) is refused with 403
// `tenant_suspended`; its data stays as it is. Reactivation restores the credentials not otherwise
// ended (refresh tokens and access tokens still inside their lifetime work again).

export type TenantStatus = 'active' | 'suspended';

/** Pure: the events that suspend a tenant in `status`; nothing when it already is. */
export function decideSuspend(status: string | undefined, reason: string | null): IdentityEvent[] {
  if (status === undefined) throw new DomainError('not_found', 'tenant_not_found', 'tenant not found');
  if (status === 'suspended') return [];
  return [identityEvent('TenantSuspended', { reason })];
}

/** Pure: the events that reactivate a tenant in `status`; nothing when it is active. */
export function decideReactivate(status: string | undefined): IdentityEvent[] {
  if (status === undefined) throw new DomainError('not_found', 'tenant_not_found', 'tenant not found');
  if (status !== 'suspended') return [];
  return [identityEvent('TenantReactivated', {})];
}

/** The tenant's status, locked until the command commits (two operators queue). */
async function loadStatus(ctx: CommandContext): Promise<string | undefined> {
  const row = await ctx.tx.selectFrom('tenants').select('status').where('id', '=', ctx.tenantId).forUpdate().executeTakeFirst();
  return row?.status;
}

async function appendToTenant(ctx: CommandContext, events: IdentityEvent[]) {
  if (events.length === 0) return;
  await appendFacts(ctx, tenantStream(ctx.tenantId), events);
}

/** Suspends the command's tenant; returns whether anything changed. */
export async function suspendTenant(ctx: CommandContext, reason: string | null = null): Promise<boolean> {
  const events = decideSuspend(await loadStatus(ctx), reason);
  await appendToTenant(ctx, events);
  return events.length > 0;
}

/** Reactivates the command's tenant; returns whether anything changed. */
export async function reactivateTenant(ctx: CommandContext): Promise<boolean> {
  const events = decideReactivate(await loadStatus(ctx));
  await appendToTenant(ctx, events);
  return events.length > 0;
}
