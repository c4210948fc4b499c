import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// The WebSocket feed (packages/api/src/notifications/feed.ts) is one poller per process that reads
// the notifications of every tenant written after its high-water mark: `where seq > $1 order by seq`.
// Without this index each poll scans the whole table; with it, an idle poll is one index probe.

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw('create index notifications_by_seq on notifications (seq)').execute(db);
}
