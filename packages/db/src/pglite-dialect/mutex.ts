/**
 * A FIFO lock. PGlite has exactly one connection, so a transaction must own it from BEGIN to
 * COMMIT; otherwise a query from another request interleaves with it, and a ROLLBACK would also
 * undo that request's write (the bug that rules out kysely-pglite).
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves once the lock is held; call the returned function exactly once to release it. */
  lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return acquired;
  }
}
