import { type Db, inSystem, inTenant } from '@crm/db';
import { eventSchemas, identity, inlineProjections, systemClock, upcasters } from '@crm/domain';
import { encodeCheckpoint, EventStore, rebuildProjections, START, decodeCheckpoint, verifyChains } from '@crm/eventstore';

export class UsageError extends Error {}

const store = new EventStore({ inlineProjections, upcasters, schemas: eventSchemas });

async function tenantBySlug(db: Db, slug: string) {
  const t = await inSystem(db, (tx) => identity.findTenantBySlug(tx, slug));
  if (!t) throw new UsageError(`no tenant with slug "${slug}"`);
  return t;
}

/** Sets a tenant's plan (and ends its trial) until billing exists. */
export async function setPlan(db: Db, slug: string | undefined, plan: string | undefined) {
  if (!slug || !plan) throw new UsageError('usage: set-plan <tenant-slug> <free|starter|pro|enterprise>');
  if (!identity.isPlan(plan)) throw new UsageError(`unknown plan "${plan}"; one of ${identity.PLANS.join(', ')}`);
  const tenant = await tenantBySlug(db, slug);
  await inTenant(db, tenant.id, (tx) =>
    identity.setPlan(
      {
        tx,
        tenantId: tenant.id,
        store,
        userId: null,
        clock: systemClock,
        metadata: { source: 'cli', actor: { type: 'system', id: 'cli' } },
      },
      plan,
    ),
  );
  return { tenant: slug, plan };
}

/** Recomputes every hash chain; exit code 1 when anything was altered, removed or reordered. */
export async function verify(db: Db, slug: string | undefined) {
  const tenantId = slug ? (await tenantBySlug(db, slug)).id : undefined;
  return verifyChains(db, tenantId);
}

/** Rebuilds every inline projection from position 0; --check compares instead of swapping. */
export async function rebuild(db: Db, check: boolean) {
  return rebuildProjections(db, inlineProjections, { swap: !check, upcasters });
}

/** The log as NDJSON, in checkpoint order; the last line's checkpoint resumes the export. */
export async function exportEvents(db: Db, out: NodeJS.WritableStream, opts: { slug?: string; after?: string }) {
  const tenantId = opts.slug ? (await tenantBySlug(db, opts.slug)).id : undefined;
  let checkpoint = decodeCheckpoint(opts.after) ?? START;
  if (opts.after && !decodeCheckpoint(opts.after)) throw new UsageError('--after takes a checkpoint such as 1234:56');
  let count = 0;
  for (;;) {
    const page = await inSystem(db, (tx) => store.readAll(tx, { after: checkpoint, limit: 5000, ...(tenantId ? { tenantId } : {}) }));
    for (const e of page.events) {
      const line = JSON.stringify({ ...e, checkpoint: encodeCheckpoint({ transactionId: e.transactionId, position: e.globalPosition }) });
      if (!out.write(`${line}\n`)) await new Promise((r) => out.once('drain', r));
      count++;
    }
    if (page.events.length === 0) break;
    checkpoint = page.checkpoint;
  }
  return { events: count, checkpoint: encodeCheckpoint(checkpoint) };
}
