import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, machineBusySeconds, track, untrack } from './procs.ts';

// Parent side of load-worker.ts: the spec goes in on stdin, the result comes back as one JSON line.

export type LoadRequest =
  | { kind: 'fixed'; method: string; path: string; body?: unknown }
  | { kind: 'move'; deals: Array<{ id: string; stage: number }>; stageIds: string[] }
  | { kind: 'create_in_stages'; stageIds: string[]; body: { name: string } & Record<string, unknown> };

export interface LoadSpec {
  /** http://127.0.0.1:port */
  url: string;
  connections: number;
  /** Untimed first run; 0 for none. */
  warmupS: number;
  /** Measured run: for this long, or (amount) until this many requests were answered. */
  durationS?: number;
  amount?: number;
  headers: Record<string, string>;
  request: LoadRequest;
}

export interface LoadResult {
  /** 2xx answers in the measured run. */
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts (autocannon counts timeouts among errors). */
  errors: number;
  timeouts: number;
  seconds: number;
  /** 2xx answers per second: failed requests never count as throughput. */
  rps: number;
  /** Exact percentiles over every 2xx latency of the measured run. */
  p50_ms: number | null;
  p99_ms: number | null;
  mean_ms: number | null;
  avg_bytes: number | null;
  status_codes: Record<string, number>;
  /** Connection errors by code (ECONNRESET, timeouts ...). */
  error_kinds: Record<string, number>;
  /** Every answer, warm-up included: what a CPU reading around the whole worker run covers. */
  answered_incl_warmup: number;
  /** Set by runLoad when given the server's pid: its CPU ms per answered request (warm-up included). */
  server_cpu_ms_per_req?: number | null;
  /** Busy CPU of the whole machine (server, PostgreSQL, load generator, kernel) per answered request. */
  machine_cpu_ms_per_req?: number | null;
}

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function runLoad(spec: LoadSpec, serverPid?: number): Promise<LoadResult> {
  const cpuBefore = serverPid ? cpuSeconds(serverPid) : null;
  const machineBefore = machineBusySeconds();
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  track(child, 'load-worker');
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  child.stdin.end(JSON.stringify(spec));
  // Bounded: the run's own length plus start-up, or a generous ceiling for an `amount` run.
  const limitMs = ((spec.durationS ?? 120) + spec.warmupS + 30) * 1000;
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  untrack(child);
  const line = out.trim().split('\n').at(-1);
  if (code !== 0 || !line) throw new Error(`load worker failed (exit ${code}): ${err.trim() || out.trim()}`);
  const result = JSON.parse(line) as LoadResult;
  const cpuAfter = serverPid ? cpuSeconds(serverPid) : null;
  const machineAfter = machineBusySeconds();
  const perReq = (before: number | null, after: number | null) =>
    before !== null && after !== null && result.answered_incl_warmup > 0 ? ((after - before) * 1000) / result.answered_incl_warmup : null;
  result.server_cpu_ms_per_req = perReq(cpuBefore, cpuAfter);
  result.machine_cpu_ms_per_req = perReq(machineBefore, machineAfter);
  return result;
}
