import { z } from 'zod';
import { limitPage } from './answers.ts';
import { contract, isoDateTime, isStorableText, page, pageSize, timestamp, uuid } from './shared.ts';

// Document 001's platform events: analytics facts about a canonical entity (a person or a company
// of the registry), written one at a time or in batches of up to 500, read per entity.

const READ = { permission: 'platform_events.read' } as const;
const WRITE = { permission: 'platform_events.write' } as const;

/** What one event's metadata may hold: any JSON object within these bounds. */
export const METADATA_LIMITS = { bytes: 4096, depth: 5 } as const;
export const BATCH_MAX = 500;

/** A lower-case identifier: `sales`, `email_opened`, `crm.deal`. */
export const identifier = (max: number) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(max)
    .regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'letters, digits and _ . : - only, starting with a letter or digit');

/** Why a metadata value cannot be stored as it is, or null when it can. */
function metadataProblem(value: unknown, depth: number): string | null {
  if (depth > METADATA_LIMITS.depth) return `nested deeper than ${METADATA_LIMITS.depth} levels`;
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'numbers must be finite';
  if (typeof value === 'string') return isStorableText(value) ? null : 'text must not contain NUL bytes or unpaired surrogates';
  if (Array.isArray(value)) {
    for (const v of value) {
      const p = metadataProblem(v, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorableText(k)) return 'keys must not contain NUL bytes or unpaired surrogates';
      const p = metadataProblem(v, depth + 1);
      if (p) return p;
    }
    return null;
  }
  return 'only JSON values (objects, arrays, text, numbers, booleans, null)';
}

export const metadata = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    const problem = metadataProblem(value, 1);
    if (problem) ctx.addIssue({ code: 'custom', message: `metadata: ${problem}` });
    else if (Buffer.byteLength(JSON.stringify(value)) > METADATA_LIMITS.bytes)
      ctx.addIssue({ code: 'custom', message: `metadata must be at most ${METADATA_LIMITS.bytes} bytes of JSON` });
  })
  .describe(`free-form JSON object: at most ${METADATA_LIMITS.bytes} bytes as JSON, ${METADATA_LIMITS.depth} levels deep`);

export const NewPlatformEvent = z
  .object({
    canonicalId: uuid,
    app: identifier(64),
    category: identifier(64),
    action: identifier(100),
    metadata: metadata.default({}),
    occurredAt: isoDateTime.optional().describe('when it happened; the time it is received when left out'),
  })
  .strict();

export const PlatformEvent = z.object({
  id: z.string().describe('integer, as text'),
  canonicalId: uuid,
  app: z.string(),
  category: z.string(),
  action: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  occurredAt: timestamp,
  recordedAt: timestamp,
  actorUserId: z.number().int().nullable(),
});

export const PlatformEventPage = limitPage('events', PlatformEvent);

const Count = z.number().int();
/** The KPIs of an entity's events; the registry's profile shows them too. */
export const EventKpis = z.object({
  totalEvents: Count,
  firstSeen: timestamp.nullable(),
  lastSeen: timestamp.nullable(),
  activeDays: Count.describe('distinct UTC days with events'),
  appCount: Count,
  last7Days: Count,
  last30Days: Count,
  byApp: z.array(z.object({ app: z.string(), count: Count, firstSeen: timestamp, lastSeen: timestamp })),
  byCategory: z.array(z.object({ category: z.string(), count: Count })),
  topActions: z
    .array(z.object({ app: z.string(), category: z.string(), action: z.string(), count: Count }))
    .describe('the 10 most frequent'),
});

export const listFilters = {
  app: identifier(64).optional(),
  category: identifier(64).optional(),
  action: identifier(100).optional(),
  from: isoDateTime.optional().describe('inclusive'),
  to: isoDateTime.optional().describe('inclusive'),
  page,
  limit: pageSize,
};

/** The input naming a canonical entity; the registry's reads take it too. */
export const byCanonical = z.object({ canonicalId: uuid });

export const platformEvents = {
  write: contract('platformEvents.write', {
    summary: 'Write one platform event about a canonical entity of the tenant (404 canonical_not_found otherwise).',
    access: WRITE,
    input: NewPlatformEvent,
    output: PlatformEvent,
  }),
  batch: contract('platformEvents.batch', {
    summary: `Write up to ${BATCH_MAX} platform events, all or none: one bad item (or ${BATCH_MAX + 1} items) is a 400 naming it, and nothing is written.`,
    access: WRITE,
    input: z.object({ events: z.array(NewPlatformEvent).min(1).max(BATCH_MAX) }).strict(),
    output: z.object({ written: Count, ids: z.array(z.string()) }),
  }),
  list: contract('platformEvents.list', {
    summary: 'Platform events of a canonical entity (and of the entities merged into it), newest first, with filters and paging.',
    access: READ,
    input: byCanonical.extend(listFilters),
    output: PlatformEventPage,
  }),
  summary: contract('platformEvents.summary', {
    summary: 'KPI summary of a canonical entity’s platform events: totals, first and last seen, by app, by category, top actions.',
    access: READ,
    input: byCanonical,
    output: EventKpis.extend({ canonicalId: uuid }),
  }),
  activitySummary: contract('platformEvents.activitySummary', {
    summary: 'Platform event counts by app and category in the last 30, 90 and 365 days.',
    access: READ,
    input: byCanonical,
    output: z.object({
      canonicalId: uuid,
      asOf: timestamp,
      windows: z.array(
        z.object({
          days: Count,
          since: timestamp,
          total: Count,
          byApp: z.array(z.object({ app: z.string(), count: Count })),
          byCategory: z.array(z.object({ category: z.string(), count: Count })),
          byAppCategory: z.array(z.object({ app: z.string(), category: z.string(), count: Count })),
        }),
      ),
    }),
  }),
};
