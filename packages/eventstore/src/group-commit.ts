import { randomUUID } from 'node:crypto';
import { type Db, type Executor, LaneQueue, pgErrorCode } from '@crm/db';
import { sql } from 'kysely';
import { ConcurrencyError } from './errors.ts';
import type { EventMetadata, ExpectedVersion, NewEvent, StoredEvent, StreamRef } from './types.ts';

export interface GroupCommitOptions {
  /** Batches committing at once; appends arriving meanwhile wait and go together in the next one. */
  maxInFlight?: number;
  /** Events per batch (one statement); the rest wait for the next batch. */
  maxEvents?: number;
}

export interface PendingAppend {
  tenantId: string;
  stream: StreamRef;
  expected: ExpectedVersion;
  events: NewEvent[];
  metadata: EventMetadata;
}

interface Waiting extends PendingAppend {
  key: string;
  resolve(events: StoredEvent[]): void;
  reject(error: unknown): void;
}

type Appended = {
  stream_type: string;
  stream_id: string;
  global_position: string;
  stream_version: string | number;
  transaction_id: string;
  occurred_at: Date;
  hash: string;
};

export const expectedNumber = (expected: ExpectedVersion) => (expected === 'any' ? -1 : expected === 'no_stream' ? 0 : expected);

/** Event data as a read will give it back: round-tripped through JSON, so inline projections see exactly that. */
export const asRead = (data: unknown): unknown => JSON.parse(JSON.stringify(data ?? {}));

/** The stored form of what an append returned, in the order it was given (every append path's). */
export function storedEvents(
  p: PendingAppend,
  ids: string[],
  metaJson: string,
  rows: Array<Omit<Appended, 'stream_type' | 'stream_id'>>,
): StoredEvent[] {
  const meta = JSON.parse(metaJson) as EventMetadata;
  return rows.map((r, i) => ({
    globalPosition: r.global_position,
    eventId: ids[i]!,
    tenantId: p.tenantId,
    streamType: p.stream.type,
    streamId: p.stream.id,
    streamVersion: Number(r.stream_version),
    type: p.events[i]!.type,
    schemaVersion: p.events[i]!.schemaVersion ?? 1,
    data: asRead(p.events[i]!.data),
    metadata: meta,
    occurredAt: r.occurred_at,
    transactionId: r.transaction_id,
    hash: r.hash,
  }));
}

/**
 * Group commit for appends that are their own transaction (EventStore.appendNow). An append that
 * arrives while fewer than maxInFlight batches are committing starts one at once; appends that
 * arrive while they are all busy wait, and the next batch takes them all (one tenant per batch, one
 * append per stream) in one statement, `es_append_batch`: one round trip, one commit, one WAL flush
 * for the lot. Every caller is answered only after that commit, so an acknowledged append is
 * durable. Each append is still judged alone: a stale expected version refuses that append only
 * (ConcurrencyError), and if the statement fails as a whole (a database error), each of its appends
 * is retried on its own, so one bad append cannot fail the others.
 */
export class AppendGroups extends LaneQueue<Waiting> {
  private readonly maxEvents: number;

  constructor(
    private readonly db: Db,
    /** The single-append path: one statement, its own transaction. */
    private readonly single: (p: PendingAppend) => Promise<StoredEvent[]>,
    options: GroupCommitOptions = {},
  ) {
    super(Math.max(1, options.maxInFlight ?? 4));
    this.maxEvents = Math.max(1, options.maxEvents ?? 256);
  }

  submit(p: PendingAppend): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) =>
      this.enqueue({ ...p, key: `${p.tenantId}\u0000${p.stream.type}\u0000${p.stream.id}`, resolve, reject }),
    );
  }

  protected turn(): Promise<void> {
    return this.run(this.take());
  }

  /** The oldest waiting append, and every later one of its tenant that fits (one per stream). */
  private take(): Waiting[] {
    const tenantId = this.queue[0]!.tenantId;
    const batch: Waiting[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (let i = 0; i < this.queue.length; ) {
      const w = this.queue[i]!;
      const fits = batch.length === 0 || events + w.events.length <= this.maxEvents;
      if (w.tenantId === tenantId && !streams.has(w.key) && fits) {
        batch.push(w);
        streams.add(w.key);
        events += w.events.length;
        this.queue.splice(i, 1);
      } else {
        i++;
      }
      if (events >= this.maxEvents) break;
    }
    return batch;
  }

  private async run(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const w = batch[0]!;
      await this.single(w).then(w.resolve, w.reject);
      return;
    }
    const ids = batch.map((w) => w.events.map((e) => e.id ?? randomUUID()));
    const metas = batch.map((w) => JSON.stringify(w.metadata));
    let rows: Appended[];
    try {
      rows = await batchStatement(this.db, batch, ids, metas);
    } catch (error) {
      // The database refused the statement (so nothing of it was written): each append on its own.
      // Any other failure (a lost connection) leaves the outcome unknown, and every caller is told.
      if (!/^[0-9A-Z]{5}$/.test(pgErrorCode(error) ?? '')) {
        for (const w of batch) w.reject(error);
        return;
      }
      await Promise.all(
        batch.map((w, i) => this.single({ ...w, events: w.events.map((e, j) => ({ ...e, id: ids[i]![j]! })) }).then(w.resolve, w.reject)),
      );
      return;
    }
    const byStream = groupRows(rows);
    batch.forEach((w, i) => {
      const mine = byStream.get(`${w.stream.type}\u0000${w.stream.id}`) ?? [];
      // A refused append wrote nothing and returned no rows (its stream was not at that version).
      if (mine.length !== w.events.length) w.reject(new ConcurrencyError(w.stream, w.expected));
      else w.resolve(storedEvents(w, ids[i]!, metas[i]!, mine));
    });
  }
}

/** es_append_batch: every append of the batch (one tenant, one per stream) in one statement. */
async function batchStatement(executor: Executor, batch: readonly PendingAppend[], ids: string[][], metas: string[]): Promise<Appended[]> {
  const flat = batch.flatMap((w) => w.events);
  return (
    await sql<Appended>`select * from es_append_batch(${batch[0]!.tenantId}::uuid,
      ${batch.map((w) => w.stream.type)}::text[], ${batch.map((w) => w.stream.id)}::text[],
      ${batch.map((w) => expectedNumber(w.expected))}::bigint[], ${batch.map((w) => w.events.length)}::int[],
      ${ids.flat()}::uuid[], ${flat.map((e) => e.type)}::text[], ${flat.map((e) => e.schemaVersion ?? 1)}::int[],
      ${flat.map((e) => JSON.stringify(e.data ?? {}))}::jsonb[],
      ${batch.flatMap((w, i) => w.events.map(() => metas[i]!))}::jsonb[])`.execute(executor)
  ).rows;
}

function groupRows(rows: readonly Appended[]): Map<string, Appended[]> {
  const byStream = new Map<string, Appended[]>();
  for (const r of rows) {
    const key = `${r.stream_type}\u0000${r.stream_id}`;
    const list = byStream.get(key);
    if (list) list.push(r);
    else byStream.set(key, [r]);
  }
  return byStream;
}

/**
 * Several streams' appends (one tenant, each stream once) in the caller's transaction, one
 * statement: EventStore.appendMany. A stale expected version throws ConcurrencyError; the other
 * appends of the statement were written, so the caller's transaction must roll back (it does, as
 * the error propagates through unit-of-work).
 */
export async function appendBatch(tx: Executor, appends: readonly PendingAppend[]): Promise<StoredEvent[][]> {
  const ids = appends.map((a) => a.events.map((e) => e.id ?? randomUUID()));
  const metas = appends.map((a) => JSON.stringify(a.metadata));
  const byStream = groupRows(await batchStatement(tx, appends, ids, metas));
  return appends.map((a, i) => {
    const mine = byStream.get(`${a.stream.type}\u0000${a.stream.id}`) ?? [];
    if (mine.length !== a.events.length) throw new ConcurrencyError(a.stream, a.expected);
    return storedEvents(a, ids[i]!, metas[i]!, mine);
  });
}
