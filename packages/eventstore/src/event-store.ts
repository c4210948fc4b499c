import { randomUUID } from 'node:crypto';
import { type Db, type Executor, inTenant, type Tx } from '@crm/db';
import { sql } from 'kysely';
import { type EventCodec, openRows } from './codec.ts';
import { ConcurrencyError } from './errors.ts';
import type { EventRow } from './events-table.ts';
import {
  AppendGroups,
  appendBatch,
  asRead,
  expectedNumber,
  type GroupCommitOptions,
  type PendingAppend,
  storedEvents,
} from './group-commit.ts';
import { handledBy, type Projection, runWrites, type TableWrite } from './projection.ts';
import { type EventSchemas, parseEvents } from './schemas.ts';
import { toStoredEvent, type Upcasters } from './upcast.ts';
import type { Checkpoint, EventMetadata, ExpectedVersion, NewEvent, StoredEvent, StreamRef } from './types.ts';

export interface EventStoreOptions {
  /** Run inside every append's transaction: read-your-writes for the models commands read back. */
  inlineProjections?: Projection[];
  /**
   * Upcasters must return the current shape (what the type's schema says): events are parsed
   * when appended, not when read, so a replay of a million events pays no validation.
   */
  upcasters?: Upcasters;
  /**
   * Event type -> schema. When given, append and appendNow parse every event's data before any
   * SQL runs and store the parsed output; an unknown type or a failed parse throws EventSchemaError
   * and writes nothing. Without it, events are stored as given (ad-hoc types in tests).
   */
  schemas?: EventSchemas;
  /**
   * appendNow gathers appends that arrive while others are committing into one statement and one
   * commit (see group-commit.ts). `false` sends every append on its own.
   */
  groupCommit?: GroupCommitOptions | false;
  /**
   * Seals events on the way in and opens them on the way out (readStream, readAll): personal data
   * under per-subject keys. Appends of events it handles always run in a transaction (keys are
   * created there). See codec.ts.
   */
  codec?: EventCodec;
}

export interface ReadAllOptions {
  after: Checkpoint;
  limit?: number;
  /** Only this tenant's events (the realtime feed); omit for every tenant (workers, audit). */
  tenantId?: string;
  types?: readonly string[];
}

type AppendListener = (events: StoredEvent[]) => void;

/** One stream's part of EventStore.appendMany. */
export interface StreamAppend {
  stream: StreamRef;
  expected: ExpectedVersion;
  events: NewEvent[];
}

/**
 * Stored events of an append written as `written` (sealed() of `given`), as inline projections and
 * the caller must see them: with the data as given, which is what a read opens back, not the sealed
 * form.
 */
function asGiven(stored: StoredEvent[], given: PendingAppend, written: PendingAppend): StoredEvent[] {
  if (written === given) return stored;
  return stored.map((e, i) => ({ ...e, data: asRead(given.events[i]!.data) }));
}

/**
 * The one way events get in and out. Domain-free: it knows streams, versions and positions, not
 * deals. Every method takes the transaction to run in, so a command's append, its inline
 * projections and its other writes commit or roll back together.
 */
export class EventStore {
  readonly projections: Projection[];
  readonly upcasters: Upcasters;
  readonly schemas: EventSchemas | undefined;
  readonly codec: EventCodec | undefined;
  private readonly listeners = new Set<AppendListener>();
  private readonly groupCommit: GroupCommitOptions | false;
  private readonly groups = new WeakMap<Db, AppendGroups>();

  constructor(options: EventStoreOptions = {}) {
    this.groupCommit = options.groupCommit ?? {};
    this.projections = options.inlineProjections ?? [];
    this.upcasters = options.upcasters ?? {};
    this.schemas = options.schemas;
    this.codec = options.codec;
  }

  async append(
    tx: Tx,
    tenantId: string,
    stream: StreamRef,
    expected: ExpectedVersion,
    events: NewEvent[],
    metadata: EventMetadata,
  ): Promise<StoredEvent[]> {
    const stored = await this.writeSealed(tx, { tenantId, stream, expected, events: parseEvents(this.schemas, events), metadata });
    await this.project(tx, stored);
    return stored;
  }

  /**
   * The inline projections over what was just appended. Projections that can say their writes up
   * front write together, in one statement; one without prepare() runs after the writes before it,
   * so each still sees what came earlier.
   */
  private async project(tx: Tx, stored: StoredEvent[]): Promise<void> {
    let writes: TableWrite[] = [];
    for (const projection of this.projections) {
      const mine = handledBy(projection, stored);
      if (mine.length === 0) continue;
      if (projection.prepare) writes.push(...(await projection.prepare(tx, mine)));
      else {
        await runWrites(tx, writes);
        writes = [];
        await projection.apply(tx, mine);
      }
    }
    await runWrites(tx, writes);
  }

  /**
   * Appends to several streams of one tenant in the caller's transaction with one statement
   * (es_append_batch), then runs the inline projections over all of it at once: for commands that
   * touch many streams together (a merge re-parents hundreds of deals), one round trip instead of a
   * few per stream. Each stream keeps its own version check and hash chain; a stale one throws
   * ConcurrencyError, and the caller's transaction, rolling back, keeps nothing of the batch.
   * Answers each append's stored events, in the order given. Each stream may appear once.
   */
  async appendMany(tx: Tx, tenantId: string, appends: readonly StreamAppend[], metadata: EventMetadata): Promise<StoredEvent[][]> {
    const parsed = appends.map((a) => ({ ...a, events: parseEvents(this.schemas, a.events) }));
    const keys = new Set(parsed.map((a) => `${a.stream.type}\u0000${a.stream.id}`));
    if (keys.size !== parsed.length) throw new Error('appendMany: each stream may appear once');
    const nonEmpty = parsed.filter((a) => a.events.length > 0);
    if (nonEmpty.length <= 1) {
      return Promise.all(parsed.map((a) => (a.events.length ? this.append(tx, tenantId, a.stream, a.expected, a.events, metadata) : [])));
    }
    const pending = nonEmpty.map((a) => ({ tenantId, stream: a.stream, expected: a.expected, events: a.events, metadata }));
    const written = await Promise.all(pending.map((p) => this.sealed(tx, p)));
    const clear = (await appendBatch(tx, written)).map((events, i) => asGiven(events, pending[i]!, written[i]!));
    await this.project(tx, clear.flat());
    const byStream = new Map(nonEmpty.map((a, i) => [a, clear[i]!] as const));
    return parsed.map((a) => byStream.get(a) ?? []);
  }

  /**
   * An append that is its own transaction: one statement, one round trip. Only for events no
   * inline projection reads; otherwise it runs as append() in a transaction of its own.
   */
  async appendNow(
    db: Db,
    tenantId: string,
    stream: StreamRef,
    expected: ExpectedVersion,
    events: NewEvent[],
    metadata: EventMetadata,
  ): Promise<StoredEvent[]> {
    // Parsed before anything else; the inline-projection path below parses again in append()
    // (a no-op on parsed data, and cheap next to the transaction it opens).
    events = parseEvents(this.schemas, events);
    if (
      this.projections.some((p) => events.some((e) => p.handles.includes(e.type))) ||
      (this.codec && events.some((e) => this.codec!.handles.has(e.type)))
    ) {
      return inTenant(db, tenantId, (tx) => this.append(tx, tenantId, stream, expected, events, metadata));
    }
    const stored = await this.groupFor(db).submit({ tenantId, stream, expected, events, metadata });
    this.notifyCommitted(stored);
    return stored;
  }

  private groupFor(db: Db): { submit: AppendGroups['submit'] } {
    const single: AppendGroups['submit'] = (p) => this.write(db, 'es_append_as', p);
    if (this.groupCommit === false) return { submit: single };
    let groups = this.groups.get(db);
    if (!groups) this.groups.set(db, (groups = new AppendGroups(db, single, this.groupCommit)));
    return groups;
  }

  /** write() of the events' stored form (see sealed); the events returned carry the data as given. */
  private async writeSealed(tx: Tx, p: PendingAppend): Promise<StoredEvent[]> {
    const written = await this.sealed(tx, p);
    return asGiven(await this.write(tx, 'es_append', written), p, written);
  }

  /**
   * The append as it is stored: its events sealed when the codec handles any of them, else p
   * itself (asGiven tells the two apart by identity). append and appendMany both seal here.
   */
  private async sealed(tx: Tx, p: PendingAppend): Promise<PendingAppend> {
    const codec = this.codec;
    if (!codec || !p.events.some((e) => codec.handles.has(e.type))) return p;
    return { ...p, events: await codec.seal(tx, p.tenantId, p.stream, p.events) };
  }

  private async write(executor: Executor, fn: 'es_append' | 'es_append_as', p: PendingAppend): Promise<StoredEvent[]> {
    const { tenantId, stream, expected, events, metadata } = p;
    if (events.length === 0) return [];
    const ids = events.map((e) => e.id ?? randomUUID());
    const metaJson = JSON.stringify(metadata);
    type Appended = Pick<EventRow, 'global_position' | 'stream_version' | 'transaction_id' | 'occurred_at' | 'hash'>;
    const rows = (
      await sql<Appended>`select * from ${sql.raw(fn)}(
        ${tenantId}::uuid, ${stream.type}, ${stream.id}, ${expectedNumber(expected)},
        ${ids}::uuid[], ${events.map((e) => e.type)}::text[], ${events.map((e) => e.schemaVersion ?? 1)}::int[],
        ${events.map((e) => JSON.stringify(e.data ?? {}))}::jsonb[], ${events.map(() => metaJson)}::jsonb[])`.execute(executor)
    ).rows;
    // A refused append writes nothing and returns no rows (the stream was not at that version).
    if (rows.length !== events.length) throw new ConcurrencyError(stream, expected);
    return storedEvents(p, ids, metaJson, rows);
  }

  async readStream(tx: Tx, tenantId: string, stream: StreamRef, fromVersion = 1): Promise<StoredEvent[]> {
    const { rows } = await sql<EventRow>`select * from es_events
      where tenant_id = ${tenantId} and stream_type = ${stream.type} and stream_id = ${stream.id}
        and stream_version >= ${fromVersion}
      order by stream_version`.execute(tx);
    return (await openRows(this.codec, tx, rows)).map((r) => toStoredEvent(r, this.upcasters));
  }

  /**
   * Events after a checkpoint, in (transaction id, position) order, and only from transactions
   * older than every transaction still running. A transaction that took a lower position but
   * commits later is therefore never skipped: it stays below the horizon until it has committed.
   */
  async readAll(tx: Tx, options: ReadAllOptions): Promise<{ events: StoredEvent[]; checkpoint: Checkpoint }> {
    const { after, limit = 1000, tenantId, types } = options;
    const { rows } = await sql<EventRow>`select * from es_events
      where (transaction_id, global_position) > (${after.transactionId}::xid8, ${after.position}::bigint)
        and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${tenantId ? sql`and tenant_id = ${tenantId}` : sql``}
        ${types ? sql`and event_type = any(${[...types]}::text[])` : sql``}
      order by transaction_id, global_position
      limit ${limit}`.execute(tx);
    const last = rows.at(-1);
    return {
      events: (await openRows(this.codec, tx, rows)).map((r) => toStoredEvent(r, this.upcasters)),
      checkpoint: last ? { transactionId: last.transaction_id, position: last.global_position } : after,
    };
  }

  /**
   * Where a new live reader should start: the newest event no running transaction can precede.
   * Events of transactions still running come later through readAll, so nothing is missed.
   */
  async head(tx: Tx, tenantId?: string): Promise<Checkpoint> {
    const { rows } = await sql<{ transaction_id: string; global_position: string }>`select transaction_id, global_position
      from es_events where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ${tenantId ? sql`and tenant_id = ${tenantId}` : sql``}
      order by transaction_id desc, global_position desc limit 1`.execute(tx);
    const r = rows[0];
    return r ? { transactionId: r.transaction_id, position: r.global_position } : { transactionId: '0', position: '0' };
  }

  /** The same store, also copying every appended event into sink (to announce them after commit). */
  recording(sink: StoredEvent[]): EventStore {
    const child = Object.create(this) as EventStore;
    child.append = async (...args: Parameters<EventStore['append']>) => {
      const events = await this.append(...args);
      sink.push(...events);
      return events;
    };
    // The parent's appendMany (which may call the parent's append, never the child's): recorded once.
    child.appendMany = async (...args: Parameters<EventStore['appendMany']>) => {
      const events = await this.appendMany(...args);
      sink.push(...events.flat());
      return events;
    };
    return child;
  }

  /** In-process wake-up for readers after a commit; the log stays the truth (readers re-read it). */
  onAppended(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call after the transaction that appended has committed. */
  notifyCommitted(events: StoredEvent[]): void {
    if (events.length === 0) return;
    for (const l of this.listeners) l(events);
  }
}
