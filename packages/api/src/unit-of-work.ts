import { inTenant, type Tx } from '@crm/db';
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

const MAX_ATTEMPTS = 4;

/**
 * Runs a command in one tenant transaction: its reads, its appends, the inline projections and any
 * state writes commit together. When another writer got to a stream first, the whole command is
 * decided again on fresh state, unless the client pinned a version (If-Match), in which case the
 * conflict is its answer.
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
      if (!(error instanceof ConcurrencyError) || options.retry === false || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** A read in the caller's tenant: row-level security admits only its rows. */
export function runQuery<T>(ctx: AuthedContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTenant(ctx.services.db, ctx.principal.tenantId, fn);
}
