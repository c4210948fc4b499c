import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BillingConfig } from '@crm/api';
import Stripe from 'stripe';

/*
 * A small Stripe for tests: a real HTTP server on a free port that answers the endpoints billing's
 * SDK calls (customers, checkout sessions, billing portal sessions, subscriptions), in Stripe's
 * wire format (form-encoded requests, JSON objects, Stripe's error envelope), driven by the real
 * SDK pointed at it through BillingConfig.api. The test plays the customer and Stripe's side:
 * completing a checkout, ending a subscription, and posting the events Stripe would send, signed
 * with the real `stripe.webhooks.generateTestHeaderString`.
 */

export interface SeenRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: Stripe's objects as JSON, which the tests read and change freely.
type Obj = Record<string, any>;

/** `a[b][0][c]=v` pairs into nested objects and arrays, as Stripe reads its form bodies. */
function parseForm(text: string): Record<string, unknown> {
  const root: Obj = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node: Obj = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = node[part] ??= /^\d+$/.test(parts[i + 1]!) ? [] : {};
    });
  }
  return root;
}

const DAY = 86_400;
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export async function startFakeStripe(options: { prices?: BillingConfig['prices'] } = {}) {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const customers = new Map<string, Obj>();
  const sessions = new Map<string, Obj>();
  const subscriptions = new Map<string, Obj>();
  const idempotent = new Map<string, Obj>();
  const requests: SeenRequest[] = [];
  let failures: { status: number; error: Obj }[] = [];
  let clock = Math.floor(Date.now() / 1000);
  const now = () => clock++;

  const stripeError = (res: ServerResponse, status: number, error: Obj) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
    res.end(JSON.stringify({ error }));
  };
  const missing = (res: ServerResponse, what: string, which: string) =>
    stripeError(res, 404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}: '${which}'`, param: 'id' });

  function route(method: string, path: string, body: Obj): { status: number; object: Obj } | { missing: [string, string] } {
    const [, , resource, rid, sub] = path.split('/');
    if (method === 'POST' && path === '/v1/customers') {
      const c = {
        id: id('cus'),
        object: 'customer',
        name: body.name ?? null,
        metadata: body.metadata ?? {},
        created: now(),
        livemode: false,
      };
      customers.set(c.id, c);
      return { status: 200, object: c };
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      if (!customers.has(body.customer)) return { missing: ['customer', body.customer] };
      const s = {
        id: `cs_test_${randomBytes(16).toString('hex')}`,
        object: 'checkout.session',
        mode: body.mode,
        status: 'open',
        customer: body.customer,
        client_reference_id: body.client_reference_id ?? null,
        metadata: body.metadata ?? {},
        subscription: null,
        success_url: body.success_url,
        cancel_url: body.cancel_url,
        line_items: body.line_items,
        subscription_data: body.subscription_data ?? {},
        created: now(),
        livemode: false,
        url: '',
      };
      s.url = `https://checkout.stripe.test/c/pay/${s.id}`;
      sessions.set(s.id, s);
      return { status: 200, object: s };
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      if (!customers.has(body.customer)) return { missing: ['customer', body.customer] };
      const p = {
        id: id('bps'),
        object: 'billing_portal.session',
        customer: body.customer,
        return_url: body.return_url,
        created: now(),
        livemode: false,
      };
      return { status: 200, object: { ...p, url: `https://billing.stripe.test/p/session/${p.id}` } };
    }
    if (method === 'GET' && path === '/v1/subscriptions') {
      // Newest first, as Stripe lists; `status=all` includes the ended ones (the default leaves them out).
      const data = [...subscriptions.values()]
        .filter((s) => s.customer === body.customer && (body.status === 'all' || s.status !== 'canceled'))
        .sort((a, b) => b.created - a.created);
      return { status: 200, object: { object: 'list', url: '/v1/subscriptions', has_more: false, data } };
    }
    if (resource === 'subscriptions' && rid && !sub) {
      const s = subscriptions.get(rid);
      if (!s) return { missing: ['subscription', rid] };
      if (method === 'GET') return { status: 200, object: s };
      if (method === 'POST') {
        if ('cancel_at_period_end' in body) {
          s.cancel_at_period_end = body.cancel_at_period_end === 'true';
          s.cancel_at = s.cancel_at_period_end ? s.items.data[0].current_period_end : null;
        }
        return { status: 200, object: s };
      }
    }
    return { missing: ['route', `${method} ${path}`] };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stripe.test');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = req.method === 'GET' ? Object.fromEntries(url.searchParams) : parseForm(text);
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      requests.push({ method: req.method!, path: url.pathname, body, idempotencyKey });
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        return stripeError(res, 401, { type: 'invalid_request_error', message: 'Invalid API Key provided' });
      }
      const failure = failures.shift();
      if (failure) return stripeError(res, failure.status, failure.error);
      const remembered = idempotencyKey ? idempotent.get(`${req.method} ${url.pathname} ${idempotencyKey}`) : undefined;
      const out = remembered ? { status: 200, object: remembered } : route(req.method!, url.pathname, body);
      if ('missing' in out) return missing(res, ...out.missing);
      if (idempotencyKey) idempotent.set(`${req.method} ${url.pathname} ${idempotencyKey}`, out.object);
      res.writeHead(out.status, { 'content-type': 'application/json', 'request-id': id('req') });
      res.end(JSON.stringify(out.object));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const prices = options.prices ?? {
    'starter:monthly': 'price_starter_monthly',
    'pro:monthly': 'price_pro_monthly',
    'pro:yearly': 'price_pro_yearly',
    'enterprise:monthly': 'price_enterprise_monthly',
  };
  const config: BillingConfig = { secretKey, webhookSecret, prices, api: { host: '127.0.0.1', port, protocol: 'http' } };

  /** The event Stripe would post, and its body and Stripe-Signature header as Stripe signs them. */
  function event(type: string, object: Obj, opts: { created?: number; secret?: string } = {}) {
    const e = {
      id: id('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: opts.created ?? now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      data: { object: structuredClone(object) },
    };
    const payload = JSON.stringify(e, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? webhookSecret });
    return { event: e, payload, signature };
  }

  return {
    config,
    url: `http://127.0.0.1:${port}`,
    requests,
    customers,
    sessions,
    subscriptions,
    /** The next Stripe calls fail with this error (Stripe's envelope), one per entry. */
    failNext(status: number, error: Obj = { type: 'api_error', message: 'Stripe is having a bad day' }, times = 1) {
      failures = Array.from({ length: times }, () => ({ status, error }));
    },
    event,
    /** The customer pays: the session completes into an active subscription; answers Stripe's event. */
    completeCheckout(sessionId: string) {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no checkout session ${sessionId}`);
      const start = now();
      const priceId = s.line_items[0].price;
      const subscription = {
        id: id('sub'),
        object: 'subscription',
        customer: s.customer,
        status: 'active',
        cancel_at_period_end: false,
        cancel_at: null,
        created: start,
        metadata: s.subscription_data.metadata ?? {},
        items: {
          object: 'list',
          data: [
            {
              id: id('si'),
              object: 'subscription_item',
              price: { id: priceId, object: 'price' },
              quantity: 1,
              current_period_start: start,
              current_period_end: start + 30 * DAY,
            },
          ],
        },
        livemode: false,
      };
      subscriptions.set(subscription.id, subscription);
      Object.assign(s, { status: 'complete', subscription: subscription.id, payment_status: 'paid' });
      return { subscription, ...event('checkout.session.completed', s) };
    },
    /** Stripe changes the subscription (a plan change in the portal, a failed renewal); answers its event. */
    updateSubscription(subscriptionId: string, change: { price?: string; status?: string }, opts: { created?: number } = {}) {
      const sub = subscriptions.get(subscriptionId)!;
      if (change.price) sub.items.data[0].price = { id: change.price, object: 'price' };
      if (change.status) sub.status = change.status;
      return event('customer.subscription.updated', sub, opts);
    },
    /** The subscription ends (its period ran out after a cancel, or it was cancelled at once); answers its event. */
    endSubscription(subscriptionId: string) {
      const sub = subscriptions.get(subscriptionId)!;
      Object.assign(sub, { status: 'canceled', ended_at: now(), canceled_at: now() });
      return event('customer.subscription.deleted', sub);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;
