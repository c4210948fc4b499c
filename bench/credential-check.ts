// Per-request cost of the credential check (issue 9): GET /api/v1/auth/me in process, one caller,
// (a) the steady state: the credential state cached (what nearly every request pays), and
// (b) the cache cleared before every request: the one lookup each time (the worst case, e.g. right
//     after a credential event). (b) - (a) is the cost of the lookup itself.
// Runs interleaved rounds and prints medians. `npx tsx bench/credential-check.ts` (PGlite), with
// DATABASE_URL for PostgreSQL; N requests per round (default 2000), ROUNDS (default 3). For a
// before/after figure, run the same file from a copy of the tree before issue 9 (git archive).
// forgetCredentials clears the whole credential cache (before issue 9 the only cached part was the
// profile grants, cleared by forgetProfileGrants: use that name when measuring an older tree).
import { createContext, forgetCredentials } from '@crm/api';
import { startTestApp } from '../apps/server/src/testing.ts';

const N = Number(process.env.N) || 2000;
const ROUNDS = Number(process.env.ROUNDS) || 3;
const t = await startTestApp();
const tenant = await t.registerTenant('bench-cred');
const headers = { authorization: `Bearer ${tenant.token}` };

async function round(clearEachTime: boolean): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    if (clearEachTime) forgetCredentials();
    const res = await t.app.request('/api/v1/auth/me', { headers });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    await res.text();
  }
  return ((performance.now() - started) * 1000) / N; // µs per request
}

/** The credential check alone (what every request runs before its procedure): µs per call. */
async function resolveOnly(clearEachTime: boolean, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    if (clearEachTime) forgetCredentials();
    const ctx = await createContext(t.services, { authorization: headers.authorization, source: 'rest' });
    if (!ctx.principal) throw new Error('not authenticated');
  }
  return ((performance.now() - started) * 1000) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await round(false); // warm-up: JIT, prepared statements
await round(true);
const cached: number[] = [];
const lookup: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  cached.push(await round(false));
  lookup.push(await round(true));
}
const resolveCached: number[] = [];
const resolveLookup: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  resolveCached.push(await resolveOnly(false, 20 * N));
  resolveLookup.push(await resolveOnly(true, N));
}
const a = median(cached);
const b = median(lookup);
console.log(
  JSON.stringify({
    db: t.services.dbKind,
    requests_per_round: N,
    rounds: ROUNDS,
    cached_us_per_request: Math.round(a),
    lookup_every_request_us: Math.round(b),
    lookup_cost_us: Math.round(b - a),
    check_alone_cached_us: Math.round(median(resolveCached) * 10) / 10,
    check_alone_lookup_us: Math.round(median(resolveLookup)),
    all: { cached: cached.map(Math.round), lookup: lookup.map(Math.round) },
  }),
);
await t.close();
process.exit(0);
