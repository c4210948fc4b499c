import pg from 'pg';
import { log } from './util.ts';

// The databases a run uses. Without DATABASE_URL both are created here and dropped at the end. With
// it, the given database holds the append and HTTP figures and is left as it is; the replay
// database is still created beside it on the same server (and dropped), because a million seeded
// events and a projection swap must not end up in, or slow down, the database the HTTP figures use.

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabases {
  /** Append figure, REST server under test, bare HTTP baseline, kanban. */
  mainUrl: string;
  /** The 1M-event replay: its own database so its bulk load and rebuild stay out of the HTTP runs. */
  replayUrl: string;
  /** Drops what this run created (never a database it was given). */
  drop(): Promise<void>;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** One short-lived connection as the connecting user (postgres: owner, may create tables). */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function openBenchDatabases(): Promise<BenchDatabases> {
  const given = process.env.DATABASE_URL?.trim() || undefined;
  const adminUrl = given ? withDatabase(given, 'postgres') : DEFAULT_ADMIN_URL;
  const stamp = `${Date.now()}`;
  const created: string[] = [];
  const create = async (name: string) => {
    await withClient(adminUrl, (c) => c.query(`create database "${name}"`));
    created.push(name);
    log(`created database ${name}`);
    return withDatabase(adminUrl, name);
  };
  const drop = async () => {
    for (const name of created.splice(0)) {
      await withClient(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`))
        .then(() => log(`dropped database ${name}`))
        .catch((e) => log(`could not drop database ${name}: ${(e as Error).message}`));
    }
  };
  try {
    const mainUrl = given ?? (await create(`crm_bench_${stamp}`));
    const replayUrl = await create(`crm_bench_${stamp}_replay`);
    return { mainUrl, replayUrl, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

export async function serverVersion(url: string): Promise<string> {
  return withClient(url, async (c) => (await c.query<{ v: string }>('select version() as v')).rows[0]!.v);
}
