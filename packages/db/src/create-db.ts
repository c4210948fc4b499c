import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.ts';
import { migrateToLatest } from './migrations/index.ts';
import { PGliteDialect } from './pglite-dialect/index.ts';
import { APP_ROLE } from './roles.ts';

export interface DbOptions {
  /** postgres://... for a server; unset for embedded PGlite. */
  url?: string | undefined;
  /** PGlite data directory, or ':memory:'. Ignored with url. */
  dataDir?: string | undefined;
  /** pg pool size. */
  poolSize?: number | undefined;
  /** Seconds an idle-in-transaction session may hold back async readers before pg ends it. */
  idleInTransactionTimeoutS?: number | undefined;
  /**
   * pg only: send parameterised statements as named prepared statements, parsed once per
   * connection. Default on; off with `false` or DB_PREPARED_STATEMENTS=off, for a pooler that hands
   * a session's statements to other server connections (PgBouncer 1.18 in transaction mode).
   */
  preparedStatements?: boolean | undefined;
}

export interface DbHandle {
  db: Db;
  kind: 'pg' | 'pglite';
  /** The pg pool, for the few places (LISTEN, benchmarks) that need a raw client. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

// int8 and numeric stay strings on both backends: a JS number cannot hold every value of either.
const keepText = (x: string) => x;
const PGLITE_PARSERS = { 20: keepText, 1700: keepText, 1016: (x: string) => x.slice(1, -1).split(',').filter(Boolean) };

/**
 * Opens the database, brings the schema to the latest migration as the owner, then hands back a
 * Kysely instance whose every connection runs as the non-owner app role, so row-level security holds.
 */
export async function createDb(options: DbOptions = {}): Promise<DbHandle> {
  return options.url ? openPg(options) : openPglite(options);
}

async function openPg(options: DbOptions): Promise<DbHandle> {
  const timeoutMs = (options.idleInTransactionTimeoutS ?? 30) * 1000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 20,
    options: `-c idle_in_transaction_session_timeout=${timeoutMs}`,
  });
  // A pool error on an idle client (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const prepared = options.preparedStatements ?? !/^(off|false|0|no)$/i.test(process.env.DB_PREPARED_STATEMENTS ?? '');
  if (prepared) pool.on('connect', prepareStatements);
  const owner = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(owner);
  // Every connection made from now on drops to the app role before its first query.
  pool.on('connect', (client) => {
    client.query(`set role ${APP_ROLE}`).catch(() => {});
  });
  // Connections opened during migration still run as the owner: retire them.
  await drainIdle(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'pg', pool, close: () => db.destroy() };
}

/** Statement text -> name, shared by every connection; each connection parses a name once. */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 2000;
const MAX_NAMED_TEXT = 16_000;

/**
 * Makes a client send every parameterised query (what Kysely sends: text plus values) as a named
 * prepared statement: the first run on a connection parses it, later runs only bind and execute,
 * which saves PostgreSQL parsing and analysing the text again for each of a command's statements.
 * Texts without values go unnamed (they may hold several statements: `begin; select set_config`),
 * and past MAX_NAMED_STATEMENTS distinct texts the rest do too, so memory stays bounded.
 */
function prepareStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && config.length <= MAX_NAMED_TEXT) {
      let name = statementNames.get(config);
      if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
        name = `crm_${statementNames.size + 1}`;
        statementNames.set(config, name);
      }
      if (name !== undefined) return query({ name, text: config, values }, callback);
    }
    return query(config, values, callback);
  };
}

async function drainIdle(pool: pg.Pool): Promise<void> {
  const clients: pg.PoolClient[] = [];
  for (let i = 0; i < pool.idleCount; i++) clients.push(await pool.connect());
  for (const c of clients) c.release(true);
}

async function openPglite(options: DbOptions): Promise<DbHandle> {
  const dataDir = options.dataDir && options.dataDir !== ':memory:' ? options.dataDir : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pgl = new PGlite({ ...(dataDir ? { dataDir } : {}), parsers: PGLITE_PARSERS });
  await pgl.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pgl) });
  await migrateToLatest(db);
  const timeoutMs = (options.idleInTransactionTimeoutS ?? 30) * 1000;
  await sql.raw(`set idle_in_transaction_session_timeout = ${timeoutMs}; set role ${APP_ROLE}`).execute(db);
  return { db, kind: 'pglite', close: () => db.destroy() };
}
