import * as c from '../contracts/billing.ts';
import { cancel, checkout, billingStatus, portal } from '../billing/use-cases.ts';
import { handleWebhook } from '../billing/webhook.ts';
import { mutation, publicMutation, query, router } from '../trpc.ts';

// Document 001's billing, and our Stripe webhook (packages/api/src/billing).

const b = c.billingContracts;

export const billingRouter = router({
  status: query(b.status, ({ ctx }) => billingStatus(ctx)),
  checkout: mutation(b.checkout, ({ ctx, input }) => checkout(ctx, input)),
  portal: mutation(b.portal, ({ ctx }) => portal(ctx)),
  cancel: mutation(b.cancel, ({ ctx }) => cancel(ctx)),
  webhook: publicMutation(b.webhook, ({ ctx, input }) => handleWebhook(ctx, input)),
});
