import { inTenant, pgErrorCode, type Tx } from '@crm/db';
import type { CommandContext } from '@crm/domain';
import { ConcurrencyError, type EventMetadata, type StoredEvent } from '@crm/eventstore';
import type { Context } from './context.ts';
import type { AuthedContext } from './trpc.ts';

export function metadataOf(ctx: Context): EventMetadata {
  const p = ctx.principal;
  return {
    source: ctx.source,
    requestId: ctx.requestId,
    correlationId: ctx.requestId,
    actor: p ? (p.kind === 'api_key' ? { type: 'api_key', id: p.apiKeyId } : { type: 'user', id: p.userId }) : { type: 'system', id: null },
    ...(p ? { userId: p.userId } : {}),
  };
}

const MAX_ATTEMPTS = 6;

/** Failures that say nothing about the command, only that another transaction got in the way. */
function isTransient(error: unknown): boolean {
  if (error instanceof ConcurrencyError) return true;
  const code = pgErrorCode(error);
  return code === '40001' || code === '40P01'; // serialization failure, deadlock detected
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));

/**
 * Runs a command in one tenant transaction: its reads, its appends, the inline projections and any
 * state writes commit together. Commands lock what they decide on, so writers of one aggregate
 * queue; when another writer still got to a stream first (or pg reports a deadlock), the whole
 * command is decided again on fresh state. A client that pinned a version (If-Match) gets the
 * version_conflict from decide instead, which is not retried.
 */
export async function runCommand<T>(
  ctx: AuthedContext | (Context & { tenantId: string }),
  fn: (c: CommandContext) => Promise<T>,
  options: { retry?: boolean } = {},
): Promise<T> {
  const tenantId = 'tenantId' in ctx ? ctx.tenantId : ctx.principal.tenantId;
  const { store, db, clock } = ctx.services;
  for (let attempt = 1; ; attempt++) {
    const appended: StoredEvent[] = [];
    try {
      const result = await inTenant(db, tenantId, (tx) =>
        fn({
          tx, tenantId, clock, metadata: metadataOf(ctx),
          userId: ctx.principal?.userId ?? null,
          store: store.recording(appended),
        }),
      );
      store.notifyCommitted(appended);
      return result;
    } catch (error) {
      if (!isTransient(error) || options.retry === false || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt);
    }
  }
}

/** A read in the caller's tenant: row-level security admits only its rows. */
export function runQuery<T>(ctx: AuthedContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTenant(ctx.services.db, ctx.principal.tenantId, fn);
}
