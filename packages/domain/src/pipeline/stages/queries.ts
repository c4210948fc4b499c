import type { Executor } from '@crm/db';
import { sql } from 'kysely';
import type { StageState } from './decide.ts';

export async function listStages(db: Executor, tenantId: string) {
  return db.selectFrom('crm_stages').selectAll().where('tenant_id', '=', tenantId).orderBy('position').orderBy('id').execute();
}

export async function getStage(db: Executor, tenantId: string, stageId: string) {
  return db.selectFrom('crm_stages').selectAll().where('tenant_id', '=', tenantId).where('id', '=', stageId).executeTakeFirst();
}

/**
 * The pipeline as decide sees it, with the stream version to append at. The stream row is locked
 * until commit: stage edits of one tenant queue behind each other instead of racing and retrying.
 */
export async function loadPipeline(db: Executor, tenantId: string): Promise<{ stages: StageState[]; version: number }> {
  const stream = await sql<{ version: string }>`select version from es_streams
    where tenant_id = ${tenantId} and stream_type = 'pipeline' and stream_id = ${tenantId} for update`.execute(db);
  const stages = await listStages(db, tenantId);
  return { stages, version: Number(stream.rows[0]?.version ?? 0) };
}
