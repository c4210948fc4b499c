import type { Services } from './services.ts';

// What this process's background workers last did, for GET /api/v1/health/services. In memory, per
// server (its Services): a health probe asks one process about itself, as a load balancer does.
// A worker reports each run of its one-step method through `trackWorkerRun`.

export interface WorkerRun {
  name: string;
  lastRunAt: Date;
  lastSuccessAt: Date | null;
  consecutiveFailures: number;
}

const runs = new WeakMap<Services, Map<string, WorkerRun>>();

/** Runs one step of a worker and records its outcome (the step's error is rethrown, unchanged). */
export async function trackWorkerRun<T>(services: Services, name: string, step: () => Promise<T>): Promise<T> {
  let byName = runs.get(services);
  if (!byName) runs.set(services, (byName = new Map()));
  const before = byName.get(name);
  try {
    const result = await step();
    const now = services.clock.now();
    byName.set(name, { name, lastRunAt: now, lastSuccessAt: now, consecutiveFailures: 0 });
    return result;
  } catch (error) {
    byName.set(name, {
      name,
      lastRunAt: services.clock.now(),
      lastSuccessAt: before?.lastSuccessAt ?? null,
      consecutiveFailures: (before?.consecutiveFailures ?? 0) + 1,
    });
    throw error;
  }
}

/** The workers of this process that reported a run, by name. */
export function workerRuns(services: Services): WorkerRun[] {
  return [...(runs.get(services)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
}
