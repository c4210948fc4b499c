import { type Db, inSystem, inTenant } from '@crm/db';
import { eventCodec, eventSchemas, identity, inlineProjections, privacy, systemClock, upcasters } from '@crm/domain';
import { encodeCheckpoint, EventStore, rebuildProjections, START, decodeCheckpoint, verifyChains } from '@crm/eventstore';

export class UsageError extends Error {}

// The privacy codec opens sealed personal data for rebuilds and exports (erased subjects read as placeholders).
const store = new EventStore({ inlineProjections, upcasters, schemas: eventSchemas, codec: eventCodec });

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
  return rebuildProjections(db, inlineProjections, { swap: !check, upcasters, codec: eventCodec });
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

/** The tenant named by its id (a UUID) or its slug. */
async function tenantByIdOrSlug(db: Db, ref: string) {
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const t = await inSystem(db, (tx) => (isId ? identity.getTenant(tx, ref.toLowerCase()) : identity.findTenantBySlug(tx, ref)));
  if (!t) throw new UsageError(`no tenant with ${isId ? 'id' : 'slug'} "${ref}"`);
  return t;
}

/**
 * Suspends or reactivates a tenant (TenantSuspended / TenantReactivated on its stream). A running
 * server sees the change within its credential cache's TTL (2 s); see credential-state.ts.
 */
export async function setTenantSuspended(db: Db, ref: string | undefined, suspended: boolean, reason: string | null = null) {
  const usage = `usage: ${suspended ? 'suspend-tenant' : 'reactivate-tenant'} --tenant <tenant id or slug>`;
  if (!ref) throw new UsageError(usage);
  const tenant = await tenantByIdOrSlug(db, ref);
  const changed = await inTenant(db, tenant.id, (tx) => {
    const ctx = {
      tx,
      tenantId: tenant.id,
      store,
      userId: null,
      clock: systemClock,
      metadata: { source: 'cli' as const, actor: { type: 'system' as const, id: 'cli' } },
    };
    return suspended ? identity.suspendTenant(ctx, reason) : identity.reactivateTenant(ctx);
  });
  return { tenant: tenant.slug, tenantId: tenant.id, status: suspended ? 'suspended' : 'active', changed };
}

const PERSON_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Erases a person's personal data for good (the admin command of the API, for operators): their
 * key is destroyed, so the log, exports and rebuilds show placeholders. A refusal (unknown person,
 * already erased) is a DomainError: main prints its code and exits 1.
 */
export async function erasePerson(db: Db, tenant: string | undefined, personId: string | undefined) {
  if (!tenant || !personId) throw new UsageError('usage: erase-person --tenant <id|slug> --person <uuid>');
  if (!PERSON_ID.test(personId)) throw new UsageError(`--person takes a person's uuid, not "${personId}"`);
  const t = await tenantByIdOrSlug(db, tenant);
  const result = await inTenant(db, t.id, (tx) =>
    privacy.erasePerson(
      { tx, tenantId: t.id, store, userId: null, clock: systemClock, metadata: { source: 'cli', actor: { type: 'system', id: 'cli' } } },
      personId.toLowerCase(),
    ),
  );
  return { tenant: t.slug, ...result, erasedAt: result.erasedAt.toISOString() };
}
