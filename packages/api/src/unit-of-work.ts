import { type Db, GroupAbortedError, inTenant, pgErrorCode, type TenantGroupOptions, TenantGroups, type Tx } from '@crm/db';
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

/**
 * Group commit for commands: commands arriving while others are in flight share a transaction
 * (a savepoint each) and one COMMIT; see TenantGroups. On by default; CRM_GROUP_COMMIT=off sends
 * every command in a transaction of its own, CRM_GROUP_COMMIT_LANES sets how many group
 * transactions may be open at once (default 8; keep it below the pool size, which reads share).
 */
let groupOptions: TenantGroupOptions | false = /^(off|false|0|no)$/i.test(process.env.CRM_GROUP_COMMIT ?? '')
  ? false
  : { lanes: Number(process.env.CRM_GROUP_COMMIT_LANES) || 8 };
let groups = new WeakMap<Db, TenantGroups>();

/** Changes how commands are grouped (tests, tools); `false` gives each its own transaction. */
export function configureCommandGroups(options: TenantGroupOptions | false): void {
  groupOptions = options;
  groups = new WeakMap();
}

function inCommandTransaction<T>(db: Db, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (groupOptions === false) return inTenant(db, tenantId, fn);
  let g = groups.get(db);
  if (!g) groups.set(db, (g = new TenantGroups(db, groupOptions)));
  return g.run(tenantId, fn);
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));

/**
 * Runs a command in one tenant transaction: its reads, its appends, the inline projections and any
 * state writes commit together. Commands lock what they decide on, so writers of one aggregate
 * queue; when another writer still got to a stream first (or pg reports a deadlock), the whole
 * command is decided again on fresh state. A client that pinned a version (If-Match) gets the
 * version_conflict from decide instead, which is not retried.
 *
 * With group commit (the default), commands that arrive while others are running share a
 * transaction, each in a savepoint of its own with its own tenant setting: a command that fails
 * is rolled back alone, and one that succeeds is answered only after the shared COMMIT. Row locks
 * a command takes are held until that COMMIT; if commands of two groups lock the same rows in
 * opposite orders, pg reports a deadlock and the command it picks is decided again, as above.
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
      const result = await inCommandTransaction(db, tenantId, (tx) =>
        fn({
          tx,
          tenantId,
          clock,
          metadata: metadataOf(ctx),
          userId: ctx.principal?.userId ?? null,
          store: store.recording(appended),
        }),
      );
      store.notifyCommitted(appended);
      return result;
    } catch (error) {
      // A group transaction that failed before committing wrote nothing: the command runs again.
      if (error instanceof GroupAbortedError && attempt < MAX_ATTEMPTS) continue;
      if (!isTransient(error) || options.retry === false || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt);
    }
  }
}

/** A read in the caller's tenant: row-level security admits only its rows. */
export function runQuery<T>(ctx: AuthedContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTenant(ctx.services.db, ctx.principal.tenantId, fn);
}
