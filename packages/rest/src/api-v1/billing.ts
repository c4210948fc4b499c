import { contracts } from '@crm/api';
import { z } from 'zod';
import { apiV1Face } from '../shared/face.ts';
import { asIs, fromBody, fromNothing } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/billing (document 001, {success, data}, camelCase), and our Stripe webhook beside it.

const { billingContracts: billing } = contracts.billing;
const { json } = routesOf(apiV1Face);
const BASE = '/api/v1/billing';

/** What Stripe posts: an event (its signature covers the body as sent, which the route keeps). */
const StripeEventBody = z
  .object({
    id: z.string().max(255),
    object: z.literal('event'),
    type: z.string().max(255),
    created: z.number().int().optional(),
    data: z.object({ object: z.record(z.string(), z.unknown()) }).optional(),
  })
  .passthrough()
  .describe('a Stripe event, exactly as Stripe sends it');

export const billingRoutes = [
  json('get', `${BASE}/status`, { ...asIs(billing.status), ...fromNothing }),
  json('post', `${BASE}/checkout`, { ...asIs(billing.checkout), ...fromBody(billing.checkout.input) }),
  json('post', `${BASE}/portal`, { ...asIs(billing.portal), ...fromNothing }),
  json('post', `${BASE}/cancel`, { ...asIs(billing.cancel), ...fromNothing }),
  json('post', `${BASE}/webhook`, {
    headers: z.object({ 'stripe-signature': z.string().min(1).max(4096) }),
    body: StripeEventBody,
    rawBody: true,
    ...asIs(billing.webhook),
    input: ({ headers, text }) => ({ payload: text ?? '', signature: headers['stripe-signature'] }),
  }),
];
