import { readFileSync } from 'node:fs';
import os from 'node:os';
import { serverVersion } from './db.ts';
import { machineBusySeconds } from './procs.ts';
import { sleep } from './util.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memory_gb: number;
  node: string;
  postgres: string;
  platform: string;
}

/** What the figures were measured on: they mean little without it. */
export async function describeMachine(dbUrl: string): Promise<Machine> {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    // /proc/cpuinfo names the model even where os.cpus() is vague (containers, some VMs).
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {}
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: await serverVersion(dbUrl),
    platform: `${os.platform()} ${os.release()}`,
  };
}

/**
 * How busy the machine is while the bench itself does nothing, in % of all cores. The server,
 * PostgreSQL and the load generator share these cores, so anything else running skews every
 * figure (a baseline measured in the same run absorbs some of it, not all).
 */
export async function idleBusyPct(ms = 2000): Promise<number | null> {
  const before = machineBusySeconds();
  await sleep(ms);
  const after = machineBusySeconds();
  if (before === null || after === null) return null;
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return Math.round(((after - before) / ((ms / 1000) * cores)) * 1000) / 10;
}
