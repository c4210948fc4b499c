import { request as httpRequest } from 'node:http';
import { LIMITS } from '@crm/api';
import { describe, expect, it } from 'vitest';
import { testApp } from './app-fixture.ts';

// Limits, tried as a careless or hostile client would: oversized and mistyped bodies, deep JSON,
// text PostgreSQL cannot store, and tRPC batches without end. Each is a clear 4xx that writes nothing.

const t = await testApp();
const a = await t.registerTenant('limits');

const MB = 1024 * 1024;

describe('request limits', () => {
  it('refuses a body over the limit with 413 on every face and on /trpc, in the face’s own shape', async () => {
    const before = await t.eventCount(a.tenantId);
    const big = JSON.stringify({ name: 'x'.repeat(LIMITS.bodyBytes) });
    const deal = await t.request('POST', '/v1/crm/deals', { token: a.token, raw: big });
    expect(deal.status).toBe(413);
    expect(deal.body).toMatchObject({ code: 'payload_too_large' });
    const login = await t.request('POST', '/api/v1/auth/login', { raw: big });
    expect(login.status).toBe(413);
    expect(login.body).toMatchObject({ success: false, code: 'payload_too_large' });
    const trpc = await t.request('POST', '/trpc/pipeline.deals.create', { token: a.token, raw: big });
    expect(trpc.status).toBe(413);
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('refuses a body that is not sent as JSON with 415, and deep JSON with 400 json_too_deep', async () => {
    const plain = await t.request('POST', '/v1/crm/deals', {
      token: a.token,
      raw: '{"name":"x"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status).toBe(415);
    expect(plain.body.code).toBe('unsupported_media_type');
    const deep = `${'{"a":'.repeat(LIMITS.jsonDepth + 5)}1${'}'.repeat(LIMITS.jsonDepth + 5)}`;
    const res = await t.request('POST', '/v1/crm/deals', { token: a.token, raw: deep });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('json_too_deep');
  });

  it('refuses text PostgreSQL cannot store with 400, wherever it comes in', async () => {
    const before = await t.eventCount(a.tenantId);
    for (const [method, path, raw] of [
      ['POST', '/v1/crm/deals', '{"name":"a\\u0000b"}'],
      ['POST', '/v1/crm/deals', '{"name":"a\\ud800b"}'],
      ['POST', '/v1/crm/stages', '{"name":"\\udfff"}'],
      ['GET', '/v1/crm/deals?q=%00', undefined],
      ['GET', '/api/v1/tenants/by-slug/%00', undefined],
      ['GET', '/api/v1/tenants/check-slug/a%00b', undefined],
    ] as const) {
      const res = await t.request(method, path, { token: a.token, ...(raw ? { raw } : {}) });
      expect(res.status, `${method} ${path} ${raw}`).toBe(400);
      expect(['validation_error', 'invalid_text']).toContain(res.body.code);
    }
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('keeps deal names to their limit: a 100 MB name is a 413, a 201-character one a 400', async () => {
    const huge = await t.request('POST', '/v1/crm/deals', { token: a.token, raw: JSON.stringify({ name: 'n'.repeat(100 * MB) }) });
    expect(huge.status).toBe(413);
    const long = await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'n'.repeat(201) } });
    expect(long.status).toBe(400);
  });

  it(`runs a tRPC batch of ${LIMITS.trpcBatch} calls and refuses one call more`, async () => {
    const batch = (n: number) =>
      t.request(
        'GET',
        `/trpc/${Array.from({ length: n }, () => 'health.check').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`,
      );
    expect((await batch(LIMITS.trpcBatch)).status).toBe(200);
    const over = await batch(LIMITS.trpcBatch + 1);
    expect(over.status).toBe(400);
    // The typed client splits a larger batch instead of being refused.
    const client = t.client(a.token);
    const answers = await Promise.all(Array.from({ length: 120 }, () => client.health.check.query()));
    expect(answers.every((x) => x.status === 'ok')).toBe(true);
  });
});

describe('oversized uploads against the real server', () => {
  it('answers 20 concurrent 150 MB logins with 413 without buffering them', async () => {
    const server = await t.listen();
    try {
      const rssBefore = process.memoryUsage().rss;
      const upload = () =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' } });
          const chunk = Buffer.alloc(MB, 0x61);
          let sent = 0;
          req.on('response', (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
            req.destroy();
          });
          req.on('error', (e) => (sent > LIMITS.bodyBytes ? resolve(413) : reject(e))); // the server may close mid-upload
          const pump = () => {
            while (sent < 150 * MB) {
              sent += MB;
              if (!req.write(chunk)) return void req.once('drain', pump);
            }
            req.end();
          };
          pump();
        });
      const statuses = await Promise.all(Array.from({ length: 20 }, upload));
      expect(statuses.every((s) => s === 413)).toBe(true);
      // 20 × 150 MB buffered would be 3 GB; streaming refusal keeps the process small.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * MB);
      expect((await t.request('GET', '/api/v1/health')).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 120_000);
});
