import { randomBytes } from 'node:crypto';
import { type BillingConfig, forgetPlan, signJwt, silentLogger } from '@crm/api';
import { createClient } from '@crm/client';
import { inSystem, inTenant } from '@crm/db';
import { openTestDb } from '@crm/db/testing';
import { type Clock, identity } from '@crm/domain';
import { restRoutes } from '@crm/rest';
import { sql } from 'kysely';
import { conformanceProblems, routeFor } from './conformance.ts';
import { createApp } from './app.ts';
import { startServer } from './server.ts';
import { buildServices } from './services.ts';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface TestTenant {
  tenantId: string;
  userId: number;
  slug: string;
  email: string;
  password: string;
  token: string;
}

/**
 * The whole server in process: real database (PGlite, or pg with DATABASE_URL), real router,
 * real REST faces, requests through app.request(). Tenants get random slugs, so files can share
 * a pg database and stay apart the way customers do.
 */
export async function startTestApp(options: { isolated?: boolean; clock?: Clock; billing?: BillingConfig } = {}) {
  const handle = await openTestDb({ isolated: options.isolated });
  const services = buildServices(handle, {
    jwtSecret: 'test-secret-that-is-long-enough-0123456789',
    log: silentLogger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.billing ? { billing: options.billing } : {}),
  });
  const app = createApp(services);

  async function request<T = any>(
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined || init.raw !== undefined) headers['content-type'] ??= 'application/json';
    const res = await app.request(path, {
      method,
      headers,
      ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    // Response conformance, for every test at once: a 2xx of a declared route must match its schema.
    const route = res.status < 300 ? routeFor(restRoutes, method, path) : undefined;
    if (route) {
      const problems = conformanceProblems(route, res.status, body);
      if (problems.length > 0) throw new Error(`response does not conform to its declaration:\n${problems.join('\n')}`);
    }
    return { status: res.status, body, text, headers: res.headers };
  }

  async function registerTenant(prefix = 't'): Promise<TestTenant> {
    const slug = `${prefix}-${randomBytes(5).toString('hex')}`;
    const email = `admin@${slug}.example.com`;
    const password = 'Correct-Horse-Battery-9';
    const reg = await request('POST', '/api/v1/tenants/register', {
      body: {
        companyName: `Company ${slug}`,
        slug,
        adminEmail: email,
        adminPassword: password,
        adminFirstName: 'Ada',
        adminLastName: 'Admin',
      },
    });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.text}`);
    const login = await request('POST', '/api/v1/auth/login', { body: { email, password, tenantSlug: slug } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
    return { tenantId: reg.body.data.tenant.id, userId: reg.body.data.user.id, slug, email, password, token: login.body.data.accessToken };
  }

  /** Events in the log for a tenant (optionally of some types): to prove a refused write wrote nothing. */
  async function eventCount(tenantId: string, types?: string[]): Promise<number> {
    const { rows } = await inSystem(handle.db, (tx) =>
      sql<{ n: string }>`select count(*)::text as n from es_events where tenant_id = ${tenantId}
        ${types ? sql`and event_type = any(${types}::text[])` : sql``}`.execute(tx),
    );
    return Number(rows[0]!.n);
  }

  /** The operator's plan command, as the CLI runs it. */
  async function setPlan(tenantId: string, plan: identity.Plan): Promise<void> {
    await inTenant(handle.db, tenantId, (tx) =>
      identity.setPlan({ tx, tenantId, store: services.store, userId: null, clock: services.clock, metadata: { source: 'cli' } }, plan),
    );
    forgetPlan(tenantId);
  }

  /** A user added straight through the domain (the users endpoints come with another issue). */
  async function createUser(tenant: TestTenant, role: identity.Role, firstName = 'Sam') {
    const email = `${firstName.toLowerCase()}-${randomBytes(3).toString('hex')}@${tenant.slug}.example.com`;
    const userId = await inTenant(handle.db, tenant.tenantId, (tx) =>
      identity.createUser(
        { tx, tenantId: tenant.tenantId, store: services.store, userId: null, clock: services.clock, metadata: { source: 'cli' } },
        { email, firstName, lastName: 'Seller', role, passwordHash: 'x' },
      ),
    );
    const now = Math.floor(Date.now() / 1000);
    const token = await signJwt(
      { sub: String(userId), tid: tenant.tenantId, role, typ: 'access', iat: now, exp: now + 3600 },
      services.jwtSecret,
    );
    return { userId, email, token };
  }

  /** The real server (HTTP and WebSocket) on a free port, for WebSocket and load tests. */
  async function listen() {
    return startServer(services, { port: 0, host: '127.0.0.1' });
  }

  /** The typed tRPC client, over the in-process app. */
  const client = (token?: string) =>
    createClient({
      url: 'http://test',
      ...(token ? { token } : {}),
      fetch: async (url, init) => app.request(String(url), init as RequestInit),
    });

  return { app, services, handle, request, registerTenant, eventCount, setPlan, client, createUser, listen, close: () => handle.close() };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;
