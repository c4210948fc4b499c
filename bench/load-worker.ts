// The load generator, run as its own process (`node --import tsx bench/load-worker.ts`) so that
// autocannon never shares an event loop with the server it measures. Reads one LoadSpec as JSON on
// stdin, runs an untimed warm-up and then the measured run, and prints one LoadResult on stdout.
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.ts';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const spec = JSON.parse(input) as LoadSpec;

/** Next request, computed from a counter shared by every connection of this process. */
let counter = 0;
function nextRequest(): { method: string; path: string; body?: string } {
  const r = spec.request;
  const n = counter++;
  switch (r.kind) {
    case 'fixed':
      return { method: r.method, path: r.path, ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}) };
    case 'move': {
      // Deals in round robin; in round k a deal goes one stage on from where round k-1 left it, so
      // every request is a real move, and no two in-flight requests touch one deal (pool >> connections).
      const deal = r.deals[n % r.deals.length]!;
      const round = Math.floor(n / r.deals.length);
      const stageId = r.stageIds[(deal.stage + round + 1) % r.stageIds.length]!;
      return { method: 'PATCH', path: `/v1/crm/deals/${deal.id}/move`, body: JSON.stringify({ stage_id: stageId }) };
    }
    case 'create_in_stages':
      // Deals spread evenly over the given stages (kanban seeding).
      return {
        method: 'POST',
        path: '/v1/crm/deals',
        body: JSON.stringify({ ...r.body, name: `${r.body.name} ${n}`, stage_id: r.stageIds[n % r.stageIds.length] }),
      };
  }
}

async function run(
  seconds: number | undefined,
  amount: number | undefined,
  record: boolean,
): Promise<Omit<LoadResult, 'answered_incl_warmup'>> {
  const latencies: number[] = [];
  let bytes = 0;
  const started = performance.now();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(amount ? { amount } : { duration: seconds }),
    headers: { 'content-type': 'application/json', ...spec.headers },
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...nextRequest() }) }],
  });
  // Kinds of connection error, so a report can say what failed rather than only how often.
  const errorKinds: Record<string, number> = {};
  instance.on('reqError', (error: Error & { code?: string }) => {
    const kind = error.code ?? error.message;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  });
  instance.on('response', (_client: unknown, status: number, resBytes: number, ms: number) => {
    if (record && status >= 200 && status < 300) {
      latencies.push(ms);
      bytes += resBytes;
    }
  });
  const result = await instance;
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]! : null;
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: elapsed,
    rps: result['2xx'] / elapsed,
    p50_ms: pct(50),
    p99_ms: pct(99),
    mean_ms: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null,
    avg_bytes: latencies.length ? bytes / latencies.length : null,
    error_kinds: errorKinds,
    status_codes: Object.fromEntries(
      Object.entries(result.statusCodeStats as Record<string, { count: number }>).map(([k, v]) => [k, v.count]),
    ),
  };
}

const warm = spec.warmupS > 0 ? await run(spec.warmupS, undefined, false) : null;
const out = await run(spec.durationS, spec.amount, true);
const answered = (r: Omit<LoadResult, 'answered_incl_warmup'> | null) => (r ? r.ok + r.non2xx : 0);
process.stdout.write(`${JSON.stringify({ ...out, answered_incl_warmup: answered(warm) + answered(out) })}\n`);
