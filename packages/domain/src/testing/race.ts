import { type Db, inTenant, type Tx } from '@crm/db';

/**
 * Two transactions of one tenant, the second begun while the first is still open: `first` calls
 * `hold` once it has taken what the second will want, and stays uncommitted until the second has had
 * 200 ms to queue behind it. Needs pg: PGlite's one connection cannot interleave them.
 */
export async function secondWhileFirstHolds<A, B>(
  db: Db,
  tenantId: string,
  first: (tx: Tx, hold: () => Promise<void>) => Promise<A>,
  second: (tx: Tx) => Promise<B>,
): Promise<[A, B]> {
  const holding = signal();
  const released = signal();
  const one = inTenant(db, tenantId, (tx) =>
    first(tx, () => {
      holding.resolve();
      return released.promise;
    }),
  );
  await holding.promise;
  const two = inTenant(db, tenantId, second);
  await new Promise((r) => setTimeout(r, 200));
  released.resolve();
  return Promise.all([one, two]);
}

/** A promise and what settles it (Promise.withResolvers, which Node 20 lacks). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
