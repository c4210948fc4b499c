import { type Kysely, type Migration, Migrator } from 'kysely';
import * as m0001 from './0001_platform.ts';
import * as m0002 from './0002_pipeline.ts';
import * as m0003 from './0003_lean_append.ts';
import * as m0004 from './0004_single_statement_append.ts';
import * as m0005 from './0005_group_append.ts';
import * as m0006 from './0006_login_throttle.ts';
import * as m0007 from './0007_mail_outbox.ts';

/** The whole schema history, in order. Code-defined so a build never depends on files on disk. */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_pipeline': m0002,
  '0003_lean_append': m0003,
  '0004_single_statement_append': m0004,
  '0005_group_append': m0005,
  '0006_login_throttle': m0006,
  '0007_mail_outbox': m0007,
};

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
}
