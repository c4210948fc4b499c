import type { Executor, Tx } from '@crm/db';
import { sql } from 'kysely';
import { effectivePlan, isPlan, type Plan } from '../identity/plans.ts';
import { iso } from '../shared/format.ts';
import { tenantRows } from '../shared/rows.ts';
import type { BillingState, TenantPlan } from './decide.ts';
import type { BillingInterval } from './events.ts';
import type { BillingAccountsTable } from './tables.ts';
import './tables.ts';
import '../identity/tables.ts';

/** The tenant's billing account, or undefined before billing ever wrote to it. */
export function findBillingAccount(tx: Tx, tenantId: string): Promise<BillingAccountsTable | undefined> {
  return tenantRows(tx, tenantId, 'billing_accounts').selectAll().where('id', '=', tenantId).executeTakeFirst();
}

/** What decide works from: the account as recorded. */
export function billingStateOf(row: BillingAccountsTable | undefined): BillingState {
  if (!row) return { customerId: null, subscription: null };
  const sub =
    row.subscription_id && row.plan && isPlan(row.plan)
      ? {
          subscription_id: row.subscription_id,
          plan: row.plan,
          interval: (row.billing_interval ?? 'monthly') as BillingInterval,
          status: row.status ?? 'incomplete',
          current_period_end: iso(row.current_period_end),
          cancel_at_period_end: row.cancel_at_period_end,
          last_event_at: iso(row.last_stripe_event_at),
        }
      : null;
  return { customerId: row.customer_id, subscription: sub };
}

/** Seats: the tenant's active users. */
export async function countSeats(tx: Tx, tenantId: string): Promise<number> {
  const row = await tenantRows(tx, tenantId, 'users')
    .select(sql<string>`count(*)::text`.as('n'))
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The tenant's stored plan and whether its trial is still running. */
export function tenantPlanOf(tenant: { plan: string; trial_ends_at: Date | string | null }, now: Date): TenantPlan {
  const onTrial = tenant.trial_ends_at !== null && new Date(tenant.trial_ends_at).getTime() > now.getTime();
  return { plan: effectivePlan(tenant, now), onTrial };
}

/** The tenant whose Stripe customer this is (a system lookup: the webhook knows no tenant yet). */
export async function tenantOfCustomer(db: Executor, customerId: string): Promise<string | undefined> {
  const row = await db.selectFrom('billing_accounts').select('tenant_id').where('customer_id', '=', customerId).executeTakeFirst();
  return row?.tenant_id;
}
