import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Every process the bench starts is tracked here, so that whatever way the run ends (done, error,
// Ctrl-C, watchdog) none is left behind. Only these pids are ever signalled.

const live = new Map<ChildProcess, string>();

export function track(child: ChildProcess, name: string): void {
  live.set(child, name);
  child.once('exit', () => live.delete(child));
}

export function untrack(child: ChildProcess): void {
  live.delete(child);
}

/** SIGTERM, then SIGKILL if it has not exited within graceMs. */
export async function stop(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return void live.delete(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  live.delete(child);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live.keys()].map((c) => stop(c)));
}

/** Synchronous last resort, for process 'exit' where nothing async runs any more. */
export function killAllNow(): void {
  for (const child of live.keys()) child.kill('SIGKILL');
  live.clear();
}

/** kB figures from /proc/<pid>/status (Linux). */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Samples a process's resident set every intervalMs. VmHWM (the kernel's own high-water mark) is
 * the true peak, including moments between samples; the sampled maximum is kept as a cross-check.
 */
export function sampleRss(pid: number, intervalMs = 200) {
  let maxKb = 0;
  let hwmKb = 0;
  /** The sampled max since the last mark: which phase set the peak. */
  let sinceMarkKb = 0;
  const phases: Record<string, number | null> = {};
  // Before any load: what the process holds just for being up (code, loader, pools).
  const startKb = statusKb(pid, 'VmRSS');
  const mb = (kb: number | null) => (kb ? Math.round(kb / 102.4) / 10 : null);
  const read = () => {
    const rss = statusKb(pid, 'VmRSS') ?? 0;
    maxKb = Math.max(maxKb, rss);
    sinceMarkKb = Math.max(sinceMarkKb, rss);
    hwmKb = Math.max(hwmKb, statusKb(pid, 'VmHWM') ?? 0);
  };
  const timer = setInterval(read, intervalMs);
  timer.unref();
  return {
    /** Ends a phase: the sampled max RSS since the previous mark is recorded under its name. */
    mark(phase: string): void {
      read();
      phases[phase] = mb(sinceMarkKb);
      sinceMarkKb = 0;
    },
    /** Call before the process is stopped: /proc/<pid> goes with it. */
    finish(): { peak_mb: number | null; sampled_max_mb: number | null; start_mb: number | null; phases: Record<string, number | null> } {
      read();
      clearInterval(timer);
      return { peak_mb: mb(hwmKb), sampled_max_mb: mb(maxKb), start_mb: mb(startKb), phases };
    },
  };
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. Around a load run
 * it gives the server's CPU cost per request: on a machine where the server saturates a core, that
 * cost, not PostgreSQL, sets the throughput.
 */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const TICKS_PER_S = 100;

/**
 * CPU seconds the whole machine has spent busy (every process and the kernel), from /proc/stat.
 * Server, PostgreSQL and load generator share the same cores, so busy CPU per request is what a
 * figure costs in total; on a small machine it is what caps the throughput.
 */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // cpu  user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
    const t = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = t.reduce((a, b) => a + b, 0) - (t[3] ?? 0) - (t[4] ?? 0);
    return busy / TICKS_PER_S;
  } catch {
    return null;
  }
}
