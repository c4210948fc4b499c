import { pipeline } from '@crm/domain';
import { z } from 'zod';
import { deleted, listOf, numberedPage, timestamps } from './answers.ts';
import { contract, email, isoDateTime, noInput, pagedBy, requiredText, text, timestamp, userId, uuid } from './shared.ts';

// The pipeline CRM (document 000) in the domain's vocabulary. Document 000's snake_case is the REST
// face's business (packages/rest/src/v1-crm); internal clients see these names.

const PRO = 'pro' as const;

/** The version a client read (If-Match on REST): a write against an older one is refused with 409. */
export const expectedVersion = z.number().int().min(1).max(2_147_483_647).optional();

// --- stages ---------------------------------------------------------------------------------

const stageName = requiredText(100);
const color = z
  .string()
  .trim()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'a hex colour such as #22c55e');
const order = z.number().int().min(0).max(10_000);

export const Stage = z.object({
  id: uuid,
  name: z.string(),
  color: z.string(),
  order: z.number().int().describe('0-based position in the pipeline'),
  isWon: z.boolean(),
  isLost: z.boolean(),
  version: z.number().int(),
  ...timestamps,
});
export type Stage = z.infer<typeof Stage>;

const stageRead = { permission: 'crm.stages.read', plan: PRO } as const;
const stageWrite = { permission: 'crm.stages.write', plan: PRO } as const;
const stageFields = {
  name: stageName,
  color: color.optional(),
  order: order.optional(),
  isWon: z.boolean().optional(),
  isLost: z.boolean().optional(),
};

export const stages = {
  list: contract('pipeline.stages.list', {
    summary: 'List pipeline stages in order.',
    access: stageRead,
    input: noInput,
    output: z.array(Stage),
  }),
  get: contract('pipeline.stages.get', { summary: 'One stage.', access: stageRead, input: z.object({ stageId: uuid }), output: Stage }),
  create: contract('pipeline.stages.create', {
    summary: 'Create a stage; without an order it goes last.',
    access: stageWrite,
    input: z.object(stageFields),
    output: Stage,
  }),
  update: contract('pipeline.stages.update', {
    summary: 'Rename, recolour or move one stage; expectedVersion pins the version read.',
    access: stageWrite,
    input: z.object({ stageId: uuid, expectedVersion, ...stageFields, name: stageName.optional() }),
    output: Stage,
  }),
  delete: contract('pipeline.stages.delete', {
    summary: 'Delete a stage; its deals move to the first remaining stage.',
    access: stageWrite,
    input: z.object({ stageId: uuid, expectedVersion }),
    output: z.object({ deleted: z.literal(true), stageId: uuid, movedDeals: z.number().int(), movedToStageId: uuid.nullable() }),
  }),
  reorder: contract('pipeline.stages.reorder', {
    summary: 'Reorder every stage at once: the ids in their new order, each stage once.',
    access: stageWrite,
    input: z.object({ stageIds: z.array(uuid).min(1).max(500) }),
    output: z.array(Stage),
  }),
};

// --- deals ----------------------------------------------------------------------------------

const dealName = requiredText(200);
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[^\s/\u0000]+$/, 'a bare domain such as acme.com')
  .refine((s) => s.isWellFormed(), 'must not contain unpaired surrogates')
  .nullable();
const valueUsd = z.number().min(0).max(1e12);
const ownerUserId = userId.nullable();

export const Deal = z.object({
  id: uuid,
  name: z.string(),
  domain: z.string().nullable(),
  valueUsd: z.number(),
  stageId: uuid,
  ownerUserId: z.number().int().nullable(),
  stageEnteredAt: timestamp,
  version: z.number().int(),
  createdBy: z.number().int().nullable(),
  ...timestamps,
});
export type Deal = z.infer<typeof Deal>;

export const DealContact = z.object({
  id: uuid,
  dealId: uuid,
  personId: uuid,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
  role: z.string().nullable(),
  ...timestamps,
});
export type DealContact = z.infer<typeof DealContact>;

export const Activity = z.object({
  id: uuid,
  dealId: uuid,
  type: z.string(),
  body: z.string(),
  scheduledFor: timestamp.nullable(),
  actorUserId: z.number().int().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  createdAt: timestamp,
});
export type Activity = z.infer<typeof Activity>;

export const TimelineEntry = z.object({
  version: z.number().int(),
  event: z.string(),
  actorUserId: z.number().int().nullable(),
  changes: z.record(z.string(), z.unknown()),
  occurredAt: timestamp,
});

const filters = {
  stageId: uuid.optional(),
  ownerUserId: userId.optional(),
  minValue: z.number().min(0).max(1e12).optional(),
  q: text(200).optional(),
};

const dealRead = { permission: 'crm.deals.read', plan: PRO } as const;
const dealWrite = { permission: 'crm.deals.write', plan: PRO } as const;
const byDeal = z.object({ dealId: uuid });

/** Cards per column on the board. */
export const perStage = z.number().int().min(1).max(200).default(25);

export const BoardColumn = z.object({
  id: uuid,
  name: z.string(),
  color: z.string(),
  order: z.number().int(),
  isWon: z.boolean(),
  isLost: z.boolean(),
  dealCount: z.number().int(),
  totalValueUsd: z.number(),
  deals: z.array(Deal),
  nextCursor: z.string().nullable().describe('pass with stageId for the next page of this column'),
});

export const deals = {
  create: contract('pipeline.deals.create', {
    summary: 'Create a deal; without a stage it starts in the first one, owned by its creator.',
    access: dealWrite,
    input: z.object({
      name: dealName,
      domain: domain.optional(),
      valueUsd: valueUsd.default(0),
      stageId: uuid.optional(),
      ownerUserId: ownerUserId.optional(),
    }),
    output: Deal,
  }),
  list: contract('pipeline.deals.list', {
    summary: 'List deals, newest first; filters stage, owner, minimum value and text.',
    access: dealRead,
    input: pagedBy(filters),
    output: numberedPage('deals', Deal),
  }),
  get: contract('pipeline.deals.get', {
    summary: 'One deal with its contacts and activities.',
    access: dealRead,
    input: byDeal,
    output: Deal.extend({ contacts: z.array(DealContact), activities: z.array(Activity) }),
  }),
  update: contract('pipeline.deals.update', {
    summary: 'Change fields; only what changes is recorded, before and after.',
    access: dealWrite,
    input: z.object({
      dealId: uuid,
      expectedVersion,
      name: dealName.optional(),
      domain: domain.optional(),
      valueUsd: valueUsd.optional(),
      ownerUserId: ownerUserId.optional(),
    }),
    output: Deal,
  }),
  move: contract('pipeline.deals.move', {
    summary: 'Move a deal to another stage; stamps a stage_changed activity.',
    access: dealWrite,
    input: z.object({ dealId: uuid, stageId: uuid, expectedVersion }),
    output: Deal,
  }),
  delete: contract('pipeline.deals.delete', {
    summary: 'Delete a deal; its timeline keeps the history.',
    access: dealWrite,
    input: z.object({ dealId: uuid, expectedVersion }),
    output: deleted,
  }),
  kanban: contract('pipeline.deals.kanban', {
    summary: 'The board: every stage with its count, value and first page of cards; stageId with cursor pages one column.',
    access: dealRead,
    input: z
      .object({
        perStage,
        stageId: uuid.optional(),
        cursor: text(200).optional(),
        ownerUserId: filters.ownerUserId,
        minValue: filters.minValue,
      })
      .default({ perStage: 25 }),
    output: z.object({ stages: z.array(BoardColumn), totalDeals: z.number().int(), totalValueUsd: z.number(), perStage: z.number().int() }),
  }),
  timeline: contract('pipeline.deals.timeline', {
    summary: 'Who changed what on a deal, when, before and after; kept after the deal is deleted.',
    access: dealRead,
    input: byDeal,
    output: z.object({ dealId: uuid, entries: z.array(TimelineEntry) }),
  }),
  export: contract('pipeline.deals.export', {
    summary: 'Every deal with its current stage as CSV (RFC 4180, formula lead-ins neutralised), streamed in chunks.',
    access: { permission: 'crm.deals.export', plan: PRO },
    input: noInput,
    output: z.string().describe('a chunk of CSV text'),
  }),
};

// --- contacts and activities ------------------------------------------------------------------

const personFields = {
  name: requiredText(255).optional(),
  email: email.nullable().optional(),
  phone: text(50).nullable().optional(),
  title: text(255).optional(),
  role: text(100).optional(),
};

/** The list of a deal's contacts or activities, under that name. */
const listOfDeal = <const K extends string, S extends z.ZodType>(key: K, item: S, summary: string) =>
  contract(`pipeline.${key}.list`, { summary, access: dealRead, input: byDeal, output: listOf(key, item) });

export const contacts = {
  list: listOfDeal('contacts', DealContact, 'Contacts attached to a deal.'),
  attach: contract('pipeline.contacts.attach', {
    summary: 'Attach a contact: a person by personId, or by email (linking a known person), or a new one.',
    access: dealWrite,
    input: z.object({ dealId: uuid, personId: uuid.optional(), ...personFields }),
    output: DealContact,
  }),
  update: contract('pipeline.contacts.update', {
    summary: 'Update a contact: person fields for all their deals, the role for this deal.',
    access: dealWrite,
    input: z.object({ contactId: uuid, ...personFields }),
    output: DealContact,
  }),
  delete: contract('pipeline.contacts.delete', {
    summary: 'Detach a contact from its deal; the person stays.',
    access: dealWrite,
    input: z.object({ contactId: uuid }),
    output: deleted,
  }),
};

export const activities = {
  list: listOfDeal('activities', Activity, "A deal's activities, newest first: calls, emails, notes, meetings, tasks and stage changes."),
  log: contract('pipeline.activities.log', {
    summary: 'Log an activity on a deal.',
    access: dealWrite,
    input: z.object({
      dealId: uuid,
      type: z.enum(pipeline.deals.ACTIVITY_TYPES),
      body: requiredText(10_000),
      scheduledFor: isoDateTime.nullable().optional(),
    }),
    output: Activity,
  }),
};

export const leaderboard = contract('pipeline.leaderboard', {
  summary: 'Closed-won value per owner: deals now in a won stage that entered it within the last `days` days.',
  access: dealRead,
  input: z.object({ days: z.number().int().min(1).max(3650).default(30) }).default({ days: 30 }),
  output: z.object({
    days: z.number().int(),
    since: timestamp,
    until: timestamp,
    entries: z.array(
      z.object({
        rank: z.number().int(),
        ownerUserId: z.number().int().nullable(),
        ownerName: z.string().nullable(),
        ownerEmail: z.string().nullable(),
        wonValueUsd: z.number(),
        wonCount: z.number().int(),
      }),
    ),
  }),
});

export const BoardChange = z.object({
  type: z.string(),
  stream: z.string(),
  dealId: uuid.nullable(),
  version: z.number().int(),
  data: z.unknown(),
  occurredAt: timestamp,
});

export const board = {
  changes: contract('pipeline.board.changes', {
    summary: 'Board changes as they commit, from the event log; resume with lastEventId and miss nothing.',
    access: dealRead,
    input: z.object({ lastEventId: text(50).nullish() }).optional(),
    output: BoardChange,
  }),
};
