/**
 * Runs `op` from `workers` concurrent loops until `ms` have passed and returns completed ops per
 * second. Each loop starts its next op only when the previous one finished (closed loop), like a
 * pool of request handlers. Ops in flight at the deadline still count, and the clock stops when
 * the last one ends, so the rate is never inflated by cutting work off.
 */
export async function closedLoop(
  workers: number,
  ms: number,
  op: (worker: number) => Promise<void>,
): Promise<{ ops: number; errors: number; seconds: number; firstError?: string }> {
  const started = performance.now();
  const deadline = started + ms;
  let ops = 0;
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < deadline) {
        try {
          await op(w);
          ops++;
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
          // A failing op is usually a failing database: do not spin on it.
          if (errors > 100) return;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ops, errors, seconds, ...(firstError ? { firstError } : {}) };
}
