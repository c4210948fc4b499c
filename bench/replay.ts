import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createDb, type DbHandle } from '@crm/db';
import { eventCodec, inlineProjections, upcasters } from '@crm/domain';
import { rebuildProjections } from '@crm/eventstore';
import { machineBusySeconds } from './procs.ts';
import { seedEvents } from './seed-events.ts';
import { log, ratio, round } from './util.ts';

// Figure 4: rebuilding every inline projection from the log, against simply reading the log.
//
// The baseline reads every row of es_events in global_position order in keyset pages of 5000 (the
// rebuild's batch size), through a connection of the same pool, in one transaction as the owner
// (as the rebuild reads), so the difference is the projection work: decoding, folding, upserting.

const BATCH = 5000;

export interface ReplayFigures {
  rebuild_events_per_s: number | null;
  raw_scan_rows_per_s: number | null;
  rebuild_vs_raw_scan: number | null;
  rebuild_events: number | null;
  rebuild_s: number | null;
  /** CPU of the rebuilding (bench) process, and busy CPU of the whole machine, during the rebuild. */
  rebuild_node_cpu_s: number | null;
  rebuild_machine_cpu_s: number | null;
  replay_events_in_table: number | null;
  replay_seed_s: number | null;
}

async function rawScan(h: DbHandle): Promise<{ rows: number; seconds: number }> {
  const client = await h.pool!.connect();
  const started = performance.now();
  let rows = 0;
  try {
    await client.query('begin');
    await client.query('set local role none');
    let position = '0';
    for (;;) {
      const res = await client.query<{ global_position: string }>(
        'select * from es_events where global_position > $1::bigint order by global_position limit $2',
        [position, BATCH],
      );
      rows += res.rows.length;
      if (res.rows.length < BATCH) break;
      position = res.rows.at(-1)!.global_position;
    }
    await client.query('commit');
  } finally {
    client.release();
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}

export async function measureReplay(url: string, streams: number): Promise<{ figures: ReplayFigures; notes: string[] }> {
  const notes: string[] = [];
  const h = await createDb({ url, poolSize: 4 });
  try {
    const seeded = await seedEvents(h, url, { streams });
    log(`replay: ${seeded.events} events in es_events (seeded in ${Math.round(seeded.seconds)} s)`);

    // Read, rebuild, read: the faster read is the baseline, so cache warmth can only favour it.
    const scan1 = await rawScan(h);
    log(`replay: raw scan #1: ${scan1.rows} rows, ${Math.round(scan1.rows / scan1.seconds)} rows/s`);
    log('replay: rebuildProjections (swap)');
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    const report = await profiled(process.env.REPLAY_CPU_PROFILE, () =>
      rebuildProjections(h.db, inlineProjections, { swap: true, upcasters, codec: eventCodec, batchSize: BATCH }),
    );
    const rebuildS = (performance.now() - started) / 1000;
    // Where the rebuild's time went: this process (decode, fold, JSON) versus the machine as a whole.
    const cpu = process.cpuUsage(cpuBefore);
    const nodeCpuS = (cpu.user + cpu.system) / 1e6;
    const machineAfter = machineBusySeconds();
    const machineCpuS = machineBefore !== null && machineAfter !== null ? machineAfter - machineBefore : null;
    log(
      `replay: rebuild CPU: this process ${round(nodeCpuS, 1)} s, whole machine ${round(machineCpuS, 1)} s, over ${round(rebuildS, 1)} s`,
    );
    log(`replay: rebuild: ${report.events} events in ${round(rebuildS, 1)} s, ${Math.round(report.events / rebuildS)} events/s`);
    const scan2 = await rawScan(h);
    log(`replay: raw scan #2: ${scan2.rows} rows, ${Math.round(scan2.rows / scan2.seconds)} rows/s`);

    const scanPerS = Math.max(scan1.rows / scan1.seconds, scan2.rows / scan2.seconds);
    const rebuildPerS = report.events / rebuildS;
    if (report.events < seeded.events) {
      const handled = [...new Set(inlineProjections.flatMap((p) => p.handles))];
      notes.push(
        `rebuild replayed ${report.events} of ${seeded.events} events: it reads only event types some inline projection handles ` +
          `(${handled.length} types; no deal projection among inlineProjections yet?), so rebuild_events_per_s is not a 1M-event figure`,
      );
    }
    return {
      notes,
      figures: {
        rebuild_events_per_s: round(rebuildPerS, 0),
        raw_scan_rows_per_s: round(scanPerS, 0),
        rebuild_vs_raw_scan: ratio(rebuildPerS, scanPerS),
        rebuild_events: report.events,
        rebuild_s: round(rebuildS, 2),
        rebuild_node_cpu_s: round(nodeCpuS, 1),
        rebuild_machine_cpu_s: round(machineCpuS, 1),
        replay_events_in_table: seeded.events,
        replay_seed_s: round(seeded.seconds, 1),
      },
    };
  } finally {
    await h.close();
  }
}

/**
 * Runs fn under the V8 CPU profiler when `file` is set (REPLAY_CPU_PROFILE=/tmp/rebuild.cpuprofile
 * npm run bench -- --only replay), so a profile holds the rebuild alone, not the seeding around it.
 */
async function profiled<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`replay: CPU profile of the rebuild in ${file}`);
  }
}
