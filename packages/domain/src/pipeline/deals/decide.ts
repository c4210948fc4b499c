import { DomainError } from '../../shared/errors.ts';
import { type DealEvent, dealEvent, type DealMoved, type DealUpdated } from './events.ts';
import type { DealsTable } from './tables.ts';

/** What decide knows of a deal: its fields, its stream version and its contacts. */
export type DealState = Pick<DealsTable, 'id' | 'name' | 'domain' | 'value_usd' | 'stage_id' | 'owner_user_id'> & {
  version: number;
  contacts: Array<{ id: string; person_id: string }>;
};

export interface StageRef {
  id: string;
  name: string;
}

/** Money is kept as a decimal string with two places: no float ever touches it. */
export function money(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

export function checkDealVersion(deal: DealState, expected: number | undefined) {
  if (expected !== undefined && deal.version !== expected) {
    throw new DomainError(
      'conflict',
      'version_conflict',
      `deal ${deal.id} is at version ${deal.version}, not ${expected}; reload and retry`,
      {
        current_version: deal.version,
      },
    );
  }
}

export interface CreateDeal {
  dealId: string;
  name: string;
  domain: string | null;
  valueUsd: number;
  stage: StageRef;
  ownerUserId: number | null;
}

export function createDeal(cmd: CreateDeal): DealEvent[] {
  return [
    dealEvent('DealCreated', {
      deal_id: cmd.dealId,
      name: cmd.name,
      domain: cmd.domain,
      value_usd: money(cmd.valueUsd),
      stage_id: cmd.stage.id,
      owner_user_id: cmd.ownerUserId,
    }),
  ];
}

export interface UpdateDeal {
  name?: string | undefined;
  domain?: string | null | undefined;
  valueUsd?: number | undefined;
  ownerUserId?: number | null | undefined;
  expectedVersion?: number | undefined;
}

const UPDATABLE = ['name', 'domain', 'value_usd', 'owner_user_id'] as const;

/** Records only the fields that change, each with its value before and after. */
export function updateDeal(deal: DealState, cmd: UpdateDeal): DealEvent[] {
  checkDealVersion(deal, cmd.expectedVersion);
  const next: Partial<Pick<DealState, (typeof UPDATABLE)[number]>> = {};
  if (cmd.name !== undefined) next.name = cmd.name;
  if (cmd.domain !== undefined) next.domain = cmd.domain;
  if (cmd.valueUsd !== undefined) next.value_usd = money(cmd.valueUsd);
  if (cmd.ownerUserId !== undefined) next.owner_user_id = cmd.ownerUserId;
  const changes: DealUpdated['changes'] = {};
  for (const field of UPDATABLE) {
    if (!Object.hasOwn(next, field)) continue;
    const [from, to] = [deal[field], next[field]];
    if (from !== to) changes[field] = { from, to };
  }
  return Object.keys(changes).length === 0 ? [] : [dealEvent('DealUpdated', { changes })];
}

/** A move to the stage it is already in changes nothing and stamps nothing. */
export function moveDeal(
  deal: DealState,
  cmd: { from: StageRef; to: StageRef; reason?: DealMoved['reason']; expectedVersion?: number | undefined },
): DealEvent[] {
  checkDealVersion(deal, cmd.expectedVersion);
  if (deal.stage_id === cmd.to.id) return [];
  return [
    dealEvent('DealMoved', {
      from_stage_id: deal.stage_id,
      to_stage_id: cmd.to.id,
      reason: cmd.reason ?? 'user',
      from_stage_name: cmd.from.name,
      to_stage_name: cmd.to.name,
    }),
  ];
}

export function deleteDeal(deal: DealState, expectedVersion?: number): DealEvent[] {
  checkDealVersion(deal, expectedVersion);
  return [dealEvent('DealDeleted', {})];
}

export function attachContact(deal: DealState, cmd: { contactId: string; personId: string; role: string }): DealEvent[] {
  const existing = deal.contacts.find((c) => c.person_id === cmd.personId);
  if (existing) {
    throw new DomainError('conflict', 'contact_already_attached', `that person is already contact ${existing.id} on this deal`, {
      contact_id: existing.id,
      person_id: cmd.personId,
    });
  }
  return [dealEvent('DealContactAttached', { contact_id: cmd.contactId, person_id: cmd.personId, role: cmd.role })];
}

export function changeContactRole(deal: DealState, contactId: string, role: string, currentRole: string): DealEvent[] {
  if (!deal.contacts.some((c) => c.id === contactId))
    throw new DomainError('not_found', 'contact_not_found', `contact ${contactId} not found`);
  return role === currentRole ? [] : [dealEvent('DealContactUpdated', { contact_id: contactId, role })];
}

export function detachContact(deal: DealState, contactId: string): DealEvent[] {
  if (!deal.contacts.some((c) => c.id === contactId))
    throw new DomainError('not_found', 'contact_not_found', `contact ${contactId} not found`);
  return [dealEvent('DealContactDetached', { contact_id: contactId })];
}

/** Kinds a person may log; `stage_changed` is stamped by moves only. */
export const ACTIVITY_TYPES = ['call', 'email', 'note', 'meeting', 'task'] as const;

export function logActivity(
  _deal: DealState,
  cmd: { activityId: string; type: (typeof ACTIVITY_TYPES)[number]; body: string; scheduledFor: Date | null },
): DealEvent[] {
  return [
    dealEvent('ActivityLogged', {
      activity_id: cmd.activityId,
      type: cmd.type,
      body: cmd.body,
      scheduled_for: cmd.scheduledFor?.toISOString() ?? null,
    }),
  ];
}
