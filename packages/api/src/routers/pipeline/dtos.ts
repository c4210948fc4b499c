import type { pipeline } from '@crm/domain';
import type { Activity, Deal, DealContact, Stage } from '../../contracts/pipeline.ts';

// Read-model rows to the contracts' results: money as numbers, times as ISO strings.

/** JSON columns are objects when set; anything else reads as none. */
export function jsonObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : null;
}

export const stageDto = (s: pipeline.stages.StagesTable): Stage => ({
  id: s.id,
  name: s.name,
  color: s.color,
  order: s.position,
  isWon: s.is_won,
  isLost: s.is_lost,
  version: Number(s.version),
  createdAt: s.created_at.toISOString(),
  updatedAt: s.updated_at.toISOString(),
});

export const dealDto = (d: pipeline.deals.DealsTable): Deal => ({
  id: d.id,
  name: d.name,
  domain: d.domain,
  valueUsd: Number(d.value_usd),
  stageId: d.stage_id,
  ownerUserId: d.owner_user_id,
  stageEnteredAt: d.stage_entered_at.toISOString(),
  version: Number(d.version),
  createdBy: d.created_by,
  createdAt: d.created_at.toISOString(),
  updatedAt: d.updated_at.toISOString(),
});

export const contactDto = (c: pipeline.deals.ContactRow): DealContact => ({
  id: c.id,
  dealId: c.deal_id,
  personId: c.person_id,
  name: c.name,
  email: c.primary_email,
  phone: Array.isArray(c.contact_numbers) && typeof c.contact_numbers[0] === 'string' ? c.contact_numbers[0] : null,
  title: c.job_title,
  role: c.role,
  createdAt: c.created_at.toISOString(),
  updatedAt: c.updated_at.toISOString(),
});

export const activityDto = (a: pipeline.deals.ActivitiesTable): Activity => ({
  id: a.id,
  dealId: a.deal_id,
  type: a.type,
  body: a.body,
  scheduledFor: a.scheduled_for?.toISOString() ?? null,
  actorUserId: a.actor_user_id,
  data: jsonObject(a.data),
  createdAt: a.created_at.toISOString(),
});

export const timelineDto = (t: pipeline.deals.DealTimelineTable) => ({
  version: Number(t.stream_version),
  event: t.event_type,
  actorUserId: t.actor_user_id,
  changes: jsonObject(t.changes) ?? {},
  occurredAt: t.occurred_at.toISOString(),
});
