import { inSystem } from '@crm/db';
import type { notifications as domain } from '@crm/domain';
import { sql } from 'kysely';
import type { Services } from '../services.ts';
import { onAnyNotificationsWritten } from './runner.ts';

// One notification feed per process, shared by every WebSocket of /v1/ws/notifications: one
// poller reads the rows of every tenant written since the process-wide high-water mark (`hwm`),
// once, and hands each to the listeners of its (tenant, user). A socket costs no query while idle:
// 1,000 sockets cost what one does, a query every `pollMs` and one per local engine commit (the
// runner's wake), not one per socket.
//
// The read crosses tenants, so it runs as the system role (as the engine and the email worker do).
//
// Order and completeness. The feed passes rows on in seq order and only once every smaller seq
// is settled: written and visible, or never to be (rolled back, deleted). The engine writes one
// batch at a time under its checkpoint's row lock, so its seqs are taken in commit order
// (migration 0022), but a hole in the seqs can still appear: a rolled-back batch, a row deleted
// before it was read, or any writer other than the engine. A hole is waited out, not skipped:
// the rows above it wait until every transaction that was running when the hole was first seen
// has ended (`pg_snapshot_xmin` of a later read has reached that read's `pg_snapshot_xmax`, the
// event store's readers' horizon). Its seq was taken before that first read (a visible row above
// it had committed by then), so its writer was one of those transactions: once they have all
// ended, the hole is either filled (and read in order) or is for good. A long transaction
// anywhere in the cluster delays the rows behind a hole, as it delays the event store's readers.
// (A writer that took its seq before it had a transaction id could slip by; the engine takes its
// checkpoint's row lock, which gives it one, before it writes a row.)

/** A row the feed passes on: its seq, and its `notification` message, serialised once for every socket. */
export interface FeedRow {
  seq: bigint;
  message: string;
}

/** Told each settled row of its (tenant, user), in seq order, each once. Must not throw. */
export type FeedListener = (row: FeedRow) => void;

export interface FeedSubscription {
  /**
   * Where the feed stood when the listener joined: every row it will be told has a greater seq,
   * and every row up to here is settled (a joining socket reads its own backlog up to here).
   */
  joinedAt: bigint;
  unsubscribe(): void;
}

/** What the feed sends for a row (document 000's message); the notification's shape is the caller's. */
export type FeedMessage = (row: domain.Notification) => string;

const BATCH = 500;
/** How soon to look again at a hole: it is most often a transaction about to commit or just rolled back. */
const HOLE_RETRY_MS = 100;

type Row = domain.Notification & { snap_xmin: string; snap_xmax: string };

const keyOf = (tenantId: string, userId: number) => `${tenantId}:${userId}`;

export class NotificationFeed {
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private count = 0;
  /** Every seq up to here is settled and passed on; null while the feed is stopped (no listener). */
  private hwm: bigint | null = null;
  /** A hole above hwm: the first row seen above it, and the snapshot xmax of that read. */
  private hole: { below: bigint; xmax: bigint } | null = null;
  /** Bumped at each stop: a read begun before is thrown away. */
  private generation = 0;
  private starting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private unwake: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly services: Services,
    private readonly message: FeedMessage,
    private readonly pollMs: number,
  ) {}

  /** Adds a listener of one user's rows; starts the feed if it was stopped. */
  async subscribe(tenantId: string, userId: number, listener: FeedListener): Promise<FeedSubscription> {
    // The feed may stop again (its last listener gone) between the start and this continuation.
    while (this.hwm === null) {
      if (this.closed) throw new Error('the notification feed is closed');
      await this.start();
    }
    // From here to the return nothing awaits: the listener joins exactly at hwm.
    const key = keyOf(tenantId, userId);
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    this.count++;
    let gone = false;
    return {
      joinedAt: this.hwm,
      unsubscribe: () => {
        if (gone || this.closed) return;
        gone = true;
        set.delete(listener);
        if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
        if (--this.count === 0) this.stop();
      },
    };
  }

  /** Reads now rather than at the next poll (coalesced with a read in flight). */
  wake(): void {
    if (this.hwm === null) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    void this.run();
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.count = 0;
    this.stop();
  }

  /** The feed starts at the newest row: sockets that want older rows read them themselves. */
  private start(): Promise<void> {
    this.starting ??= (async () => {
      const generation = this.generation;
      try {
        const top = await inSystem(this.services.db, async (tx) => {
          const { rows } = await sql<{ seq: string }>`select coalesce(max(seq), 0)::text as seq from notifications`.execute(tx);
          return BigInt(rows[0]!.seq);
        });
        if (generation !== this.generation || this.closed) return;
        this.hwm = top;
        this.hole = null;
        this.unwake = onAnyNotificationsWritten(this.services, () => this.wake());
        this.timer = setTimeout(() => void this.run(), this.pollMs);
      } finally {
        this.starting = null;
      }
    })();
    return this.starting;
  }

  /** No listener left: no more reads until the next one comes (it starts from the newest row again). */
  private stop(): void {
    this.generation++;
    this.hwm = null;
    this.hole = null;
    this.again = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unwake?.();
    this.unwake = undefined;
  }

  private async run(): Promise<void> {
    if (this.running || this.hwm === null) return;
    this.running = true;
    const generation = this.generation;
    let next = this.pollMs;
    try {
      do {
        this.again = false;
        const outcome = await this.read(generation);
        if (outcome === 'more') this.again = true;
        if (outcome === 'hole') next = Math.min(HOLE_RETRY_MS, this.pollMs);
      } while (this.again && generation === this.generation);
    } catch (error) {
      // The sockets stay open: the next read starts again from hwm, so nothing is lost.
      this.services.log.error('notification feed read failed', { error: String(error) });
    } finally {
      this.running = false;
      // The feed may have stopped and started again meanwhile: its timer found this read running
      // and left, so the next read is scheduled here for whichever generation is current.
      if (this.hwm !== null) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.run(), generation === this.generation ? next : 0);
      }
    }
  }

  /** One read after hwm: passes on the settled rows; 'more' when the batch was full, 'hole' when it stopped at one. */
  private async read(generation: number): Promise<'done' | 'more' | 'hole'> {
    const after = this.hwm!;
    const rows = await inSystem(this.services.db, async (tx) => {
      const { rows } = await sql<Row>`select n.*,
          pg_snapshot_xmin(pg_current_snapshot())::text as snap_xmin,
          pg_snapshot_xmax(pg_current_snapshot())::text as snap_xmax
        from notifications n where n.seq > ${String(after)}::bigint order by n.seq limit ${BATCH}`.execute(tx);
      return rows;
    });
    if (generation !== this.generation) return 'done';
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (seq !== this.hwm! + 1n && !this.holeSettled(seq, BigInt(row.snap_xmin), BigInt(row.snap_xmax))) return 'hole';
      this.hole = null;
      this.hwm = seq;
      this.dispatch(seq, row);
    }
    return rows.length === BATCH ? 'more' : 'done';
  }

  /** Whether the hole just below `seq` is for good (see the header); remembers it when first seen. */
  private holeSettled(seq: bigint, xmin: bigint, xmax: bigint): boolean {
    // Seen before, and nothing since opened below `below`: the hole's seqs were all taken before that read.
    if (this.hole && seq <= this.hole.below) return xmin >= this.hole.xmax;
    this.hole = { below: seq, xmax };
    return false;
  }

  private dispatch(seq: bigint, row: Row): void {
    // The inbox's rule: a row dismissed already (or wanted by email only) is not pushed.
    if (row.dismissed_at !== null) return;
    const set = this.listeners.get(keyOf(row.tenant_id, row.user_id));
    if (!set) return;
    const { snap_xmin: _x, snap_xmax: _y, ...notification } = row;
    const out: FeedRow = { seq, message: this.message(notification) };
    for (const listener of set) listener(out);
  }
}
