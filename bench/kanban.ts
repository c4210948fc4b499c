import { DEAL_BODY, describe, errorsOf } from './http.ts';
import { runLoad } from './load.ts';
import { type Api, listStages, type RunningServer } from './server.ts';
import { cpuSeconds } from './procs.ts';
import { log, round, sleep } from './util.ts';

// Figure 3: GET /v1/crm/deals/kanban on a tenant holding 100,000 deals over 8 stages. A tenant of
// its own, so the deals made by the create and move runs do not change the board's size.

const SEED_CHUNK = 10_000;

export interface KanbanTiming {
  deals: number;
  stages: number;
  connections: number;
  warmupS: number;
  durationS: number;
}

export interface KanbanFigures {
  kanban_p50_ms: number | null;
  kanban_p99_ms: number | null;
  kanban_rps: number | null;
  kanban_errors: number | null;
  kanban_response_kb: number | null;
  kanban_deals_seeded: number | null;
  kanban_settle_s: number | null;
  kanban_server_cpu_ms: number | null;
  kanban_machine_cpu_ms: number | null;
  kanban_1conn_p50_ms: number | null;
  kanban_1conn_p99_ms: number | null;
}

export async function measureKanban(
  api: Api,
  server: RunningServer,
  t: KanbanTiming,
): Promise<{ figures: KanbanFigures; notes: string[] }> {
  const notes: string[] = [];
  let stages = await listStages(api);
  for (let i = stages.length; i < t.stages; i++) {
    const res = await api.call('POST', '/v1/crm/stages', { name: `Bench ${i + 1}` });
    if (res.status !== 201) throw new Error(`POST /v1/crm/stages: ${res.status} ${JSON.stringify(res.body)}`);
  }
  stages = await listStages(api);
  const stageIds = stages.map((s) => s.id);
  log(`kanban: ${stages.length} stages; seeding ${t.deals} deals through the API (32 connections)`);

  // Seeded through the real endpoint (autocannon in its own process), so the rows are exactly what
  // the app writes, in chunks of 10,000 (each load run is bounded in time; progress is logged).
  // Whatever failed is topped up, a bounded number of times.
  const started = performance.now();
  let seeded = 0;
  for (let attempt = 0, failed = 0; failed < 3 && seeded < t.deals; attempt++) {
    const amount = Math.min(SEED_CHUNK, t.deals - seeded);
    const r = await runLoad({
      url: api.url,
      // autocannon refuses more connections than requests (a top-up of a few deals).
      connections: Math.min(32, amount),
      warmupS: 0,
      amount,
      headers: { authorization: `Bearer ${api.token}` },
      request: { kind: 'create_in_stages', stageIds, body: DEAL_BODY },
    });
    seeded += r.ok;
    if (errorsOf(r)) {
      failed++;
      log(
        `kanban: seeding run ${attempt + 1}: ${errorsOf(r)} failed (status ${JSON.stringify(r.status_codes)}, connection errors ${JSON.stringify(r.error_kinds)})`,
      );
    }
    if (t.deals > SEED_CHUNK) log(`kanban: ${seeded} deals seeded`);
  }
  log(`kanban: seeded ${seeded} deals in ${Math.round((performance.now() - started) / 100) / 10} s`);
  if (seeded < t.deals) notes.push(`kanban: only ${seeded} of ${t.deals} deals could be seeded`);

  // The seeding is a burst no tenant makes: 100,000 deals in a minute or two leave the server's
  // background workers (notification rules, reporting rollups) a backlog of events to read. The
  // board is measured once they have caught up (the server idle), so the figure is the board's,
  // not the backlog's; how long that took is reported beside it.
  const settleS = await settled(server.pid);
  log(`kanban: server idle ${settleS} s after seeding`);

  const probe = await api.call('GET', '/v1/crm/deals/kanban');
  if (probe.status !== 200) throw new Error(`GET /v1/crm/deals/kanban: ${probe.status} ${JSON.stringify(probe.body).slice(0, 200)}`);

  const kanban = (connections: number, durationS: number) =>
    runLoad(
      {
        url: api.url,
        connections,
        warmupS: t.warmupS,
        durationS,
        headers: { authorization: `Bearer ${api.token}` },
        request: { kind: 'fixed', method: 'GET', path: '/v1/crm/deals/kanban' },
      },
      server.pid,
    );
  log(`kanban: GET /v1/crm/deals/kanban (${t.connections} connections, ${t.warmupS}+${t.durationS} s)`);
  const r = await kanban(t.connections, t.durationS);
  log(`kanban: ${describe(r)}, ${round((r.avg_bytes ?? 0) / 1024, 1)} kB per answer`);
  if (errorsOf(r))
    notes.push(
      `kanban: ${errorsOf(r)} requests failed (status ${JSON.stringify(r.status_codes)}, connection errors ${JSON.stringify(r.error_kinds)})`,
    );
  // For information: one connection, no queueing, so its latency is the board's own service time.
  // With one Node process, p99 at n connections cannot be much under n × that time once CPU-bound.
  const single = await kanban(1, Math.max(2, t.durationS / 2));
  log(`kanban, 1 connection: ${describe(single)}`);
  return {
    notes,
    figures: {
      kanban_p50_ms: round(r.p50_ms, 2),
      kanban_p99_ms: round(r.p99_ms, 2),
      kanban_rps: round(r.rps, 0),
      kanban_errors: errorsOf(r),
      kanban_response_kb: round((r.avg_bytes ?? 0) / 1024, 1),
      kanban_deals_seeded: seeded,
      kanban_settle_s: settleS,
      kanban_server_cpu_ms: round(r.server_cpu_ms_per_req, 2),
      kanban_machine_cpu_ms: round(r.machine_cpu_ms_per_req, 2),
      kanban_1conn_p50_ms: round(single.p50_ms, 2),
      kanban_1conn_p99_ms: round(single.p99_ms, 2),
    },
  };
}

/** Seconds until the process used under 5% of a core for 3 s running (at most 180 s). */
async function settled(pid: number): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  let last = cpuSeconds(pid);
  while (quiet < 3 && performance.now() - started < 180_000) {
    await sleep(1000);
    const now = cpuSeconds(pid);
    quiet = now !== null && last !== null && now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return round((performance.now() - started) / 1000, 0) ?? 0;
}
