import type { pipeline } from '@crm/domain';

// Document 000's shapes: snake_case, money as numbers, times as ISO strings.

export const dealDto = (d: pipeline.deals.DealsTable) => ({
  id: d.id,
  name: d.name,
  domain: d.domain,
  value_usd: Number(d.value_usd),
  stage_id: d.stage_id,
  owner_user_id: d.owner_user_id,
  stage_entered_at: d.stage_entered_at.toISOString(),
  version: Number(d.version),
  created_by: d.created_by,
  created_at: d.created_at.toISOString(),
  updated_at: d.updated_at.toISOString(),
});

export const contactDto = (c: pipeline.deals.ContactRow) => ({
  id: c.id,
  deal_id: c.deal_id,
  person_id: c.person_id,
  name: c.name,
  email: c.primary_email,
  phone: (c.contact_numbers as string[])[0] ?? null,
  title: c.job_title,
  role: c.role,
  created_at: c.created_at.toISOString(),
  updated_at: c.updated_at.toISOString(),
});

export const activityDto = (a: pipeline.deals.ActivitiesTable) => ({
  id: a.id,
  deal_id: a.deal_id,
  type: a.type,
  body: a.body,
  scheduled_for: a.scheduled_for?.toISOString() ?? null,
  actor_user_id: a.actor_user_id,
  data: a.data,
  created_at: a.created_at.toISOString(),
});

export const timelineDto = (t: pipeline.deals.DealTimelineTable) => ({
  version: Number(t.stream_version),
  event: t.event_type,
  actor_user_id: t.actor_user_id,
  changes: t.changes,
  occurred_at: t.occurred_at.toISOString(),
});
