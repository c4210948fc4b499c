import { inTenant } from '@crm/db';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { healthServices } from '../contracts/health-services.ts';
import type { Context } from '../context.ts';
import { workerRuns } from '../worker-runs.ts';

// GET /api/v1/health/services: the database, the caller's tenant's mail outbox (one aggregate
// statement in its own tenant scope, so row-level security holds too) and this process's workers;
// no names, hosts or error texts.

type Result = z.output<typeof healthServices.output>;

/** Pending mail due this long ago, with a way out, means the relay is not keeping up (or not running). */
const OVERDUE_MS = 15 * 60_000;

const ms = (started: number) => Math.round((performance.now() - started) * 100) / 100;

async function mailOutbox(ctx: Context, tenantId: string): Promise<Result['services']['mailOutbox']> {
  const { services } = ctx;
  const now = services.clock.now();
  const { rows } = await inTenant(services.db, tenantId, (tx) =>
    sql<{ pending: string; failed: string; due: string; oldest: Date | null; own_smtp: boolean }>`
      select count(*) filter (where status = 'pending')::text as pending,
             count(*) filter (where status = 'failed')::text as failed,
             count(*) filter (where status = 'pending' and next_attempt_at < ${new Date(now.getTime() - OVERDUE_MS)})::text as due,
             min(created_at) filter (where status = 'pending') as oldest,
             exists (select 1 from email_settings where tenant_id = ${tenantId}
               and coalesce((smtp->>'enabled')::boolean, false)) as own_smtp
      from mail_outbox where tenant_id = ${tenantId}`.execute(tx),
  );
  const r = rows[0]!;
  // Mail with no way out waits legitimately; it is overdue only when an SMTP could have sent it.
  const wayOut = Boolean(services.mail?.smtp) || r.own_smtp;
  const overdue = wayOut ? Number(r.due) : 0;
  return {
    status: overdue > 0 ? 'degraded' : 'ok',
    smtpConfigured: wayOut,
    pending: Number(r.pending),
    failed: Number(r.failed),
    overdue,
    oldestPendingAgeSeconds: r.oldest ? Math.max(0, Math.floor((now.getTime() - new Date(r.oldest).getTime()) / 1000)) : null,
  };
}

export async function healthOfServices(ctx: Context): Promise<Result> {
  const { services } = ctx;
  const kind = services.dbKind === 'pg' ? 'postgresql' : 'pglite (embedded)';
  const started = performance.now();
  let database: Result['services']['database'];
  try {
    await sql`select 1`.execute(services.db);
    database = { status: 'ok', latencyMs: ms(started), kind };
  } catch {
    database = { status: 'down', latencyMs: ms(started), kind };
  }
  let mail: Result['services']['mailOutbox'] = {
    status: 'unknown',
    smtpConfigured: Boolean(services.mail?.smtp),
    pending: null,
    failed: null,
    overdue: null,
    oldestPendingAgeSeconds: null,
  };
  if (database.status === 'ok' && ctx.principal) {
    try {
      mail = await mailOutbox(ctx, ctx.principal.tenantId);
    } catch {
      // The outbox could not be read: its figures stay unknown, and the answer says degraded.
    }
  }
  const workers = workerRuns(services).map((w) => ({
    name: w.name,
    status: w.consecutiveFailures > 0 ? ('failing' as const) : ('ok' as const),
    lastRunAt: w.lastRunAt.toISOString(),
    lastSuccessAt: w.lastSuccessAt?.toISOString() ?? null,
    consecutiveFailures: w.consecutiveFailures,
  }));
  const degraded = mail.status !== 'ok' || workers.some((w) => w.status === 'failing');
  return {
    status: database.status === 'down' ? 'down' : degraded ? 'degraded' : 'ok',
    services: { database, mailOutbox: mail, workers },
    timestamp: services.clock.now().toISOString(),
  };
}
