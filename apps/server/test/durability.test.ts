import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { onPg, testDatabaseUrl } from '@crm/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// "An acknowledged write is never lost": the real server process, on its own database, under a
// load that group commit batches (32 concurrent creates, two group lanes), is killed with SIGKILL
// mid-load. Every deal it had answered 201 for must be there afterwards, event and row.
//
// Runs on pg only: it needs a server process and a database that outlives it.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dbName = `crm_durability_${randomBytes(6).toString('hex')}`;
const dbUrl = () => {
  const url = new URL(testDatabaseUrl!);
  url.pathname = `/${dbName}`;
  return url.toString();
};

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: dbUrl(),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JWT_SECRET: 'durability-test-secret-0123456789-abcdef',
      CRM_GROUP_COMMIT: 'on',
      CRM_GROUP_COMMIT_LANES: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not come up: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

async function call(url: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, body: json };
}

let server: ChildProcess | undefined;

describe.skipIf(!onPg)('durability (pg): SIGKILL during a batched load', () => {
  beforeAll(async () => {
    await admin(testDatabaseUrl!, (c) => c.query(`create database ${dbName}`));
  });
  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    await admin(testDatabaseUrl!, (c) => c.query(`drop database if exists ${dbName} with (force)`));
  });

  it('keeps every deal it acknowledged', { timeout: 240_000 }, async () => {
    const started = await startServer();
    server = started.child;
    const { url } = started;
    const slug = `durable-${randomBytes(4).toString('hex')}`;
    const reg = await call(url, null, 'POST', '/api/v1/tenants/register', {
      companyName: 'Durable',
      slug,
      adminEmail: 'admin@durable.example.com',
      adminPassword: 'durable-password-1',
      adminFirstName: 'D',
      adminLastName: 'D',
    });
    expect(reg.status).toBe(201);
    const login = await call(url, null, 'POST', '/api/v1/auth/login', {
      email: 'admin@durable.example.com',
      password: 'durable-password-1',
      tenantSlug: slug,
    });
    const token = login.body?.data?.accessToken as string;
    expect(token).toBeTruthy();

    const acknowledged: string[] = [];
    let killed = false;
    let sent = 0;
    const exited = new Promise<void>((resolve) => server!.on('exit', () => resolve()));
    // 32 writers; once 200 creates are acknowledged the server is killed with writes in flight.
    await Promise.all(
      Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; !killed; i++) {
          sent++;
          try {
            const res = await call(url, token, 'POST', '/v1/crm/deals', { name: `deal ${w}-${i}`, value_usd: 100 + i });
            if (res.status === 201 && typeof res.body?.id === 'string') acknowledged.push(res.body.id);
            else if (!killed) throw new Error(`create answered ${res.status} ${JSON.stringify(res.body)}`);
          } catch (error) {
            if (!killed) throw error;
            return; // the connection died with the server: this write was never acknowledged
          }
          if (acknowledged.length >= 200 && !killed) {
            killed = true;
            server!.kill('SIGKILL');
          }
        }
      }),
    );
    await exited;
    expect(server!.signalCode).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(200);

    // Read back as the owner, past row-level security: every acknowledged deal, event and row.
    const found = await admin(dbUrl(), async (c) => {
      const events = await c.query<{ stream_id: string; transaction_id: string }>(
        `select stream_id, transaction_id::text from es_events where stream_type = 'deal' and event_type = 'DealCreated' and stream_id = any($1)`,
        [acknowledged],
      );
      const rows = await c.query<{ id: string }>(`select id::text from crm_deals where id = any($1::uuid[])`, [acknowledged]);
      const all = await c.query<{ n: string; tx: string }>(
        `select count(*)::text as n, count(distinct transaction_id)::text as tx from es_events where stream_type = 'deal'`,
      );
      return { events: events.rows, rows: rows.rows.map((r) => r.id), all: all.rows[0]! };
    });
    const missingEvents = acknowledged.filter((id) => !found.events.some((e) => e.stream_id === id));
    const missingRows = acknowledged.filter((id) => !found.rows.includes(id));
    expect(missingEvents).toEqual([]);
    expect(missingRows).toEqual([]);
    // The load was batched: creates shared transactions (group commit was at work when it died).
    expect(Number(found.all.tx)).toBeLessThan(Number(found.all.n));
    // Writes in flight at the kill may have committed without being answered, never the reverse.
    expect(Number(found.all.n)).toBeGreaterThanOrEqual(acknowledged.length);
    expect(Number(found.all.n)).toBeLessThanOrEqual(sent);
  });
});
