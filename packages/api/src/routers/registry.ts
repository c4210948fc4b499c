import type { Tx } from '@crm/db';
import { DomainError, registry as domain, iso } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/registry.ts';
import { mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';
import { eventKpis, eventPage } from './platform-events.ts';

// Document 001's entity registry over the people and companies modules.

export const linkDto = (l: domain.RegistryLinksTable): z.output<typeof c.Link> => ({
  id: l.id,
  canonicalId: l.canonical_id,
  entityClass: l.entity_class as domain.EntityClass,
  app: l.app,
  entityType: l.entity_type,
  entityId: l.entity_id,
  linkedVia: l.linked_via as domain.LinkVia,
  linkedBy: l.linked_by,
  linkedAt: iso(l.created_at),
});

async function canonicalDto(tx: Tx, tenantId: string, k: domain.CanonicalRecord): Promise<z.output<typeof c.Canonical>> {
  const links = await domain.linksOf(tx, tenantId, k.id);
  return {
    id: k.id,
    entityClass: k.entityClass,
    name: k.name,
    email: k.email,
    status: k.mergedInto ? 'merged' : 'active',
    mergedInto: k.mergedInto,
    createdAt: iso(k.createdAt),
    updatedAt: iso(k.updatedAt),
    links: links.map(linkDto),
  };
}

const summaryDto = (r: domain.CanonicalSummaryRow): z.output<typeof c.CanonicalSummary> => ({
  id: r.id,
  entityClass: r.entity_class,
  name: r.name,
  email: r.email,
  linkCount: Number(r.link_count),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

async function mustFind(tx: Tx, tenantId: string, id: string): Promise<domain.CanonicalRecord> {
  const k = await domain.findCanonical(tx, tenantId, id);
  if (!k) throw domain.canonicalNotFound(id);
  return k;
}

const load = async (tx: Tx, tenantId: string, id: string) => canonicalDto(tx, tenantId, await mustFind(tx, tenantId, id));

function recordOf(k: domain.CanonicalRecord): z.output<typeof c.Profile>['record'] {
  const p = k.person;
  const co = k.company;
  return {
    name: k.name,
    email: k.email,
    emails: p ? p.emails : [],
    phones: p ? p.contact_numbers : co?.phone ? [co.phone] : [],
    jobTitle: p ? p.job_title : null,
    organizationId: p ? p.organization_id : null,
    lifecycleStage: p ? p.lifecycle_stage : null,
    ownerUserId: (p ?? co)?.owner_user_id ?? null,
    website: co?.website ?? null,
    industry: co?.industry ?? null,
    stage: co?.stage ?? null,
  };
}

export const registryRouter = router({
  search: query(c.registry.search, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    const rows = await runQuery(ctx, (tx) =>
      domain.searchCanonicals(tx, tenantId, { q: input.q ?? '', entityClass: input.class }, input.limit),
    );
    return rows.map(summaryDto);
  }),
  list: query(c.registry.list, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    const { rows, total } = await runQuery(ctx, (tx) =>
      domain.listCanonicals(tx, tenantId, { entityClass: input.class, app: input.app, q: input.q }, input.page, input.limit),
    );
    return { entities: rows.map(summaryDto), total, page: input.page, limit: input.limit, totalPages: Math.ceil(total / input.limit) };
  }),
  byEntity: query(c.registry.byEntity, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => {
      const link = await domain.findLinkByRef(tx, tenantId, input);
      if (!link) {
        throw new DomainError(
          'not_found',
          'link_not_found',
          `${input.app}/${input.entityType}/${input.entityId} is linked to no canonical entity`,
        );
      }
      return { ...(await load(tx, tenantId, link.canonical_id)), link: linkDto(link) };
    });
  }),
  get: query(c.registry.get, async ({ ctx, input }) => runQuery(ctx, (tx) => load(tx, ctx.principal.tenantId, input.canonicalId))),
  genealogy: query(c.registry.genealogy, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => {
      const k = await mustFind(tx, tenantId, input.canonicalId);
      const entries = await domain.registryGenealogy(tx, ctx.services.store, tenantId, k);
      return {
        canonicalId: k.id,
        entityClass: k.entityClass,
        status: k.mergedInto ? ('merged' as const) : ('active' as const),
        mergedInto: k.mergedInto,
        entries: entries.map(({ position: _, ...e }) => ({ ...e, at: iso(e.at) })),
      };
    });
  }),
  timeline: query(c.registry.timeline, async ({ ctx, input }) =>
    runQuery(ctx, (tx) => eventPage(tx, ctx.principal.tenantId, input.canonicalId, input)),
  ),
  profile: query(c.registry.profile, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => {
      const k = await mustFind(tx, tenantId, input.canonicalId);
      const entity = await canonicalDto(tx, tenantId, k);
      const ids = await domain.lineageOf(tx, tenantId, k.id);
      const apps = new Map<string, z.output<typeof c.Link>[]>();
      for (const l of entity.links) apps.set(l.app, [...(apps.get(l.app) ?? []), l]);
      return {
        entity,
        record: recordOf(k),
        mergedIds: ids.filter((id) => id !== k.id).sort(),
        apps: [...apps].sort(([a], [b]) => a.localeCompare(b)).map(([app, links]) => ({ app, linkCount: links.length, links })),
        linkCount: entity.links.length,
        events: await eventKpis(tx, tenantId, ids, ctx.services.clock.now()),
      };
    });
  }),
  register: mutation(c.registry.register, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const link = await domain.registerEntity(cmd, { entityClass: input.entityClass, name: input.name, email: input.email }, input);
      return { ...(await load(cmd.tx, cmd.tenantId, link.canonical_id)), link: linkDto(link) };
    }),
  ),
  link: mutation(c.registry.link, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => linkDto(await domain.linkToCanonical(cmd, input.canonicalId, input))),
  ),
  merge: mutation(c.registry.merge, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const out = await domain.mergeEntities(cmd, input.winnerId, input.loserId);
      return { ...out, winner: await load(cmd.tx, cmd.tenantId, input.winnerId) };
    }),
  ),
  autoLink: mutation(c.registry.autoLink, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const out = await domain.autoLink(cmd, { entityClass: input.entityClass, name: input.name, email: input.email }, input);
      return {
        ...(await load(cmd.tx, cmd.tenantId, out.link.canonical_id)),
        link: linkDto(out.link),
        created: out.created,
        alreadyLinked: out.alreadyLinked,
      };
    }),
  ),
  unlink: mutation(c.registry.unlink, async ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => linkDto(await domain.removeLink(cmd, input.linkId))),
  ),
});
