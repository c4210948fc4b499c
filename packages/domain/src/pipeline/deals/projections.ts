import type { Tx } from '@crm/db';
import { prepareInsert, type Projection, runWrites, type StoredEvent, type TableWrite } from '@crm/eventstore';
import { sql } from 'kysely';
import { actorOf, narrower, pick, rowCreated, rowKey, type TableRow, typedRowProjection } from '../../shared/events.ts';
import { DealEvent, dealEventSchemas, type StoredDealEvent } from './events.ts';
import type { DealsTable } from './tables.ts';

const ALL = Object.values(DealEvent);

/** A deal row after one of its events: what the projection writes (and what commands answer with). */
function evolveDeal(row: TableRow<'crm_deals'> | null, e: StoredDealEvent): TableRow<'crm_deals'> | null {
  const version = String(e.streamVersion);
  switch (e.type) {
    case DealEvent.DealCreated: {
      const d = e.data;
      return {
        ...rowCreated(e, d.deal_id),
        ...pick(d, 'name', 'domain', 'value_usd', 'stage_id', 'owner_user_id'),
        stage_entered_at: e.occurredAt,
        created_by: actorOf(e),
      };
    }
    case DealEvent.DealUpdated: {
      if (!row) return null;
      const next: TableRow<'crm_deals'> = { ...row, version, updated_at: e.occurredAt };
      // Each change names a deal column; the event says what it became.
      for (const [field, change] of Object.entries(e.data.changes)) next[field] = change.to;
      return next;
    }
    case DealEvent.DealMoved:
      return row && { ...row, stage_id: e.data.to_stage_id, stage_entered_at: e.occurredAt, version, updated_at: e.occurredAt };
    case DealEvent.DealDeleted:
      return null;
    default:
      return row && { ...row, version };
  }
}

const asDealRowEvent = narrower(dealEventSchemas, ALL, 'pipeline.deals');

/**
 * The deal row as the deals projection writes it after `events` (just appended to its stream),
 * from the row as it was (null for a new deal): a command answers with it instead of reading the
 * row back. Same evolve as the projection, from the same locked row, so the same row.
 */
export function dealRowAfter(row: DealsTable | null, events: readonly StoredEvent[]): DealsTable | null {
  let next: TableRow<'crm_deals'> | null = row && { ...row };
  for (const e of events) next = evolveDeal(next, asDealRowEvent(e));
  return next;
}

/** The deal row: the board, the list, the leaderboard and the export all read it. */
export const dealsProjection = typedRowProjection(dealEventSchemas, {
  name: 'pipeline.deals',
  table: 'crm_deals',
  columns: [
    'tenant_id',
    'id',
    'name',
    'domain',
    'value_usd',
    'stage_id',
    'owner_user_id',
    'stage_entered_at',
    'version',
    'created_by',
    'created_at',
    'updated_at',
  ],
  // Every deal event, so `version` is always the stream's: it is what appends and If-Match check.
  handles: ALL,
  creates: [DealEvent.DealCreated],
  evolve: (row, e) => evolveDeal(row, e),
});

export const dealContactsProjection = typedRowProjection(dealEventSchemas, {
  name: 'pipeline.deal_contacts',
  table: 'crm_deal_contacts',
  columns: ['tenant_id', 'id', 'deal_id', 'person_id', 'role', 'created_at', 'updated_at'],
  handles: [
    DealEvent.DealContactAttached,
    DealEvent.DealContactUpdated,
    DealEvent.DealContactDetached,
    DealEvent.DealDeleted,
    DealEvent.DealContactsReparented,
  ],
  creates: [DealEvent.DealContactAttached],
  keysOf: (e) => {
    if (e.type === DealEvent.DealDeleted) return [];
    if (e.type === DealEvent.DealContactsReparented) {
      const d = e.data;
      return [...d.moved, ...d.removed.map((r) => r.contact_id), ...d.restored.map((r) => r.contact_id)];
    }
    return [e.data.contact_id];
  },
  evolve(row, e, key) {
    switch (e.type) {
      case DealEvent.DealContactAttached: {
        const d = e.data;
        return {
          ...rowKey(e, d.contact_id),
          deal_id: e.streamId,
          ...pick(d, 'person_id', 'role'),
          created_at: e.occurredAt,
          updated_at: e.occurredAt,
        };
      }
      case DealEvent.DealContactUpdated:
        return row && { ...row, role: e.data.role, updated_at: e.occurredAt };
      case DealEvent.DealContactDetached:
        return e.data.contact_id === row?.id ? null : row;
      case DealEvent.DealContactsReparented: {
        const d = e.data;
        if (d.removed.some((r) => r.contact_id === key)) return null;
        const restored = d.restored.find((r) => r.contact_id === key);
        if (restored) {
          // Back with its old id, role and creation time: an undo leaves the link as it was.
          return {
            tenant_id: e.tenantId,
            id: key,
            deal_id: e.streamId,
            person_id: d.to_person_id,
            role: restored.role,
            created_at: new Date(restored.created_at),
            updated_at: e.occurredAt,
          };
        }
        return row && { ...row, person_id: d.to_person_id, updated_at: e.occurredAt };
      }
      default:
        return row;
    }
  },
  deleteWhere: (e) => (e.type === DealEvent.DealDeleted ? { column: 'deal_id', value: e.streamId } : null),
});

/** Logged activities, plus a `stage_changed` entry stamped by every move (its id is the event's). */
export const activitiesProjection = typedRowProjection(dealEventSchemas, {
  name: 'pipeline.activities',
  table: 'crm_activities',
  columns: ['tenant_id', 'id', 'deal_id', 'type', 'body', 'scheduled_for', 'actor_user_id', 'data', 'created_at'],
  handles: [DealEvent.ActivityLogged, DealEvent.DealMoved, DealEvent.DealDeleted],
  // Each activity row is made by exactly one event, with a new id.
  creates: [DealEvent.ActivityLogged, DealEvent.DealMoved],
  keysOf: (e) => (e.type === DealEvent.ActivityLogged ? [e.data.activity_id] : e.type === DealEvent.DealMoved ? [e.eventId] : []),
  evolve(row, e) {
    const base = { tenant_id: e.tenantId, deal_id: e.streamId, actor_user_id: actorOf(e), created_at: e.occurredAt };
    switch (e.type) {
      case DealEvent.ActivityLogged: {
        const d = e.data;
        return {
          ...base,
          id: d.activity_id,
          type: d.type,
          body: d.body,
          scheduled_for: d.scheduled_for ? new Date(d.scheduled_for) : null,
          data: {},
        };
      }
      case DealEvent.DealMoved: {
        const d = e.data;
        return {
          ...base,
          id: e.eventId,
          type: 'stage_changed',
          scheduled_for: null,
          body: `Moved from ${d.from_stage_name} to ${d.to_stage_name}${d.reason === 'stage_deleted' ? ' (stage deleted)' : ''}`,
          data: { from_stage_id: d.from_stage_id, to_stage_id: d.to_stage_id, reason: d.reason },
        };
      }
      default:
        // A deleted deal touches no activity row (keysOf); deleteWhere removes them.
        return row;
    }
  },
  deleteWhere: (e) => (e.type === DealEvent.DealDeleted ? { column: 'deal_id', value: e.streamId } : null),
});

/** What each deal event changed, before and after, and who did it. Kept after a deal is deleted: it is the audit trail. */
function timelineChanges(e: StoredDealEvent): Record<string, unknown> {
  switch (e.type) {
    case DealEvent.DealCreated: {
      const d = e.data;
      const fields = { name: d.name, domain: d.domain, value_usd: d.value_usd, stage_id: d.stage_id, owner_user_id: d.owner_user_id };
      return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { from: null, to: v }]));
    }
    case DealEvent.DealUpdated:
      return e.data.changes;
    case DealEvent.DealMoved: {
      const d = e.data;
      return {
        stage_id: { from: d.from_stage_id, to: d.to_stage_id },
        stage_name: { from: d.from_stage_name, to: d.to_stage_name },
        reason: d.reason,
      };
    }
    default:
      return e.data;
  }
}

const asDealEvent = narrower(dealEventSchemas, ALL, 'pipeline.deal_timeline');
const timelineRow = (stored: StoredEvent) => {
  const e = asDealEvent(stored);
  return {
    tenant_id: e.tenantId,
    deal_id: e.streamId,
    stream_version: String(e.streamVersion),
    event_type: e.type,
    actor_user_id: actorOf(e),
    changes: timelineChanges(e),
    occurred_at: e.occurredAt,
  };
};

const timelineWrites = (events: StoredEvent[]): TableWrite[] => [
  {
    table: 'crm_deal_timeline',
    statement: sql`insert into crm_deal_timeline
      select * from jsonb_populate_recordset(null::crm_deal_timeline, ${JSON.stringify(events.map(timelineRow))}::jsonb)
      on conflict do nothing`,
  },
];

/** One row per deal event, never changed afterwards: the rebuild can write each batch as it comes. */
export const dealTimelineProjection: Projection = {
  name: 'pipeline.deal_timeline',
  tables: ['crm_deal_timeline'],
  handles: ALL,
  async apply(tx: Tx, events: StoredEvent[]) {
    await runWrites(tx, timelineWrites(events));
  },
  prepare: async (_tx, events) => timelineWrites(events),
  bulk: (columns) => ({
    add: (events) => prepareInsert('crm_deal_timeline', columns('crm_deal_timeline'), events.map(timelineRow)),
    finish: () => [],
  }),
};

export const dealProjections = [dealsProjection, dealContactsProjection, activitiesProjection, dealTimelineProjection];
