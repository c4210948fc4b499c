import { restRoutes } from '@crm/rest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyMutation, fromSchema, hostileQueryValue, hostileString, mutation } from './arbitraries.ts';
import { encodeSegment, fillPath, pathValuesFor, useWorld } from './fixtures.ts';

// Schema-driven fuzzing of every declared route: valid requests drawn from the route's own
// schemas, and the same requests broken every way a client can break them. Whatever comes in:
// never a 5xx, always a JSON error with a machine-readable code, and a refusal writes nothing.
// CI runs a fixed seed and few runs; `npm run fuzz` runs long with a fresh seed (FUZZ_RUNS, FUZZ_SEED).

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() : Number(process.env.FUZZ_SEED ?? 20261202);

const env = useWorld();

describe.each(restRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', (_name, route) => {
  it(`answers ${RUNS} generated requests without a 5xx, with coded errors, writing nothing when refused`, async () => {
    const { t, world } = env;
    const paramNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const params = fc.tuple(
      ...paramNames.map((name) =>
        fc.oneof(
          fc.constant(pathValuesFor(route, world)[name]!),
          fc.uuid(),
          hostileString.filter((s) => s.length < 5000),
          fc.constant(name),
        ),
      ),
    );
    const queryKeys = route.query ? Object.entries(route.query.shape) : [];
    const query = fc.tuple(
      ...queryKeys.map(([, field]) =>
        fc.option(
          fc.oneof(
            fromSchema(field as z.ZodType).map((v) => String(v)),
            hostileQueryValue,
            hostileString.filter((s) => s.length < 5000),
          ),
          { nil: undefined },
        ),
      ),
    );
    const body = route.body ? fc.tuple(fromSchema(route.body), mutation) : fc.constant(undefined);

    await fc.assert(
      fc.asyncProperty(params, query, body, async (p, q, b) => {
        let path = route.path;
        paramNames.forEach((name, i) => {
          path = path.replace(`{${name}}`, encodeSegment(p[i]!));
        });
        const qs = queryKeys
          .flatMap(([key], i) => (q[i] === undefined ? [] : [`${encodeURIComponent(key)}=${encodeSegment(q[i]!)}`]))
          .join('&');
        const sent = b ? applyMutation(b[0], b[1]) : undefined;
        const before = await t.eventCount(world.a.tenantId);
        const res = await t.request(route.method.toUpperCase(), qs ? `${path}?${qs}` : path, {
          token: world.a.token,
          ...(sent ? { raw: sent.raw, headers: { 'content-type': sent.contentType ?? 'application/json' } } : {}),
        });
        const detail = `${route.method.toUpperCase()} ${path}${qs ? `?${qs.slice(0, 200)}` : ''} body ${sent?.raw.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, detail).toBeLessThan(500);
        if (res.status >= 400) {
          expect(typeof res.body?.code, detail).toBe('string');
          expect(await t.eventCount(world.a.tenantId), `a refused request wrote events: ${detail}`).toBe(before);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 300_000);

  // The texts PostgreSQL cannot store, in every field and parameter the route has, one at a time.
  it('refuses a NUL byte or a lone surrogate in any body field, query value or path value with a 400', async () => {
    const { t, world } = env;
    const fieldNames = route.body instanceof z.ZodObject ? Object.keys(route.body.shape) : [];
    const queryNames = route.query ? Object.keys(route.query.shape) : [];
    const paramNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const base = fillPath(route, pathValuesFor(route, world));
    for (const bad of ['a\u0000b', 'a\ud800b']) {
      // A URL cannot carry a lone surrogate (its bytes are not UTF-8, so they arrive as text or
      // U+FFFD): only JSON can, with \ud800. NUL (%00) can come through every part.
      const inUrl = bad.includes('\u0000');
      const cases: { path: string; raw: string | undefined }[] = [
        ...fieldNames.map((f) => ({ path: base, raw: `{${JSON.stringify(f)}:${JSON.stringify(bad)}}` })),
      ];
      if (inUrl)
        cases.push(
          ...queryNames.map((k) => ({ path: `${base}?${k}=${encodeSegment(bad)}`, raw: route.body ? '{}' : undefined })),
          ...paramNames.map((n) => ({
            path: fillPath(route, { ...pathValuesFor(route, world), [n]: bad }),
            raw: route.body ? '{}' : undefined,
          })),
        );
      for (const c of cases) {
        const before = await t.eventCount(world.a.tenantId);
        const res = await t.request(route.method.toUpperCase(), c.path, { token: world.a.token, ...(c.raw ? { raw: c.raw } : {}) });
        expect(res.status, `${c.path} ${c.raw} → ${res.status} ${res.text.slice(0, 200)}`).toBe(400);
        expect(typeof res.body.code).toBe('string');
        expect(await t.eventCount(world.a.tenantId)).toBe(before);
      }
    }
  });
});
