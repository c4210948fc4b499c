import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createDb, type DbHandle } from './create-db.ts';
import type { Db } from './database.ts';

/** The suite's backend: pg when DATABASE_URL is set, embedded PGlite otherwise. */
export const testDatabaseUrl = process.env.DATABASE_URL || undefined;
export const onPg = Boolean(testDatabaseUrl);

/**
 * A migrated database for one test file. Tests share a pg database (they stay apart by tenant);
 * `isolated` gives a file its own, for tests that change the schema (projection swaps).
 */
export async function openTestDb(options: { isolated?: boolean } = {}): Promise<DbHandle> {
  if (!testDatabaseUrl) return createDb({ dataDir: ':memory:' });
  if (!options.isolated) return createDb({ url: testDatabaseUrl, poolSize: 10 });
  const name = `crm_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ url: url.toString(), poolSize: 10 });
  return {
    ...handle,
    async close() {
      await handle.close();
      const c = new pg.Client({ connectionString: testDatabaseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * The test file's migrated database, opened before its tests and closed after them; read `.db`
 * inside a test. Opened in beforeAll, which vitest skips when every test of the file is skipped: a
 * pg-only file opens nothing on PGlite.
 */
export function useTestDb(options: { isolated?: boolean } = {}): { readonly db: Db } {
  let handle: DbHandle | undefined;
  beforeAll(async () => {
    handle = await openTestDb(options);
  });
  afterAll(() => handle?.close());
  return {
    get db() {
      if (!handle) throw new Error('useTestDb: the database opens in beforeAll; read .db inside a test');
      return handle.db;
    },
  };
}
