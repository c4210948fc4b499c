import type { Tx } from '@crm/db';
import type { StoredEvent } from '@crm/eventstore';
import { sql } from 'kysely';
import type { Firing, NotificationSource } from '../notifications/source.ts';
import { actorOf } from '../shared/events.ts';
import { isDealEvent } from './deals/events.ts';
import './deals/tables.ts';
import './stages/tables.ts';
import '../identity/tables.ts';

// What the pipeline tells its users about: a deal given to them, and their deal moved (to another
// open stage, or won, or lost) by someone else.

const dealLink = (dealId: string) => `/crm/deals/${dealId}`;

async function actorName(tx: Tx, e: StoredEvent): Promise<string> {
  const id = actorOf(e);
  if (id === null) return 'An integration';
  const u = await tx
    .selectFrom('users')
    .select(['first_name', 'last_name'])
    .where('tenant_id', '=', e.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return u ? `${u.first_name} ${u.last_name}`.trim() : 'Someone';
}

/** The deal as the read model has it now (it may be ahead of the event; a deleted deal tells no one). */
const dealOf = (tx: Tx, e: StoredEvent) =>
  tx
    .selectFrom('crm_deals')
    .select(['name', 'owner_user_id'])
    .where('tenant_id', '=', e.tenantId)
    .where('id', '=', e.streamId)
    .executeTakeFirst();

/**
 * The deal's owner when the event happened, from its own stream (the read model may be ahead: a
 * deal moved and then given to someone else tells the owner it had when it moved).
 */
async function ownerBefore(tx: Tx, e: StoredEvent): Promise<number | null> {
  const { rows } = await sql<{ owner: unknown }>`select case when event_type = 'DealCreated' then data->'owner_user_id'
      else data->'changes'->'owner_user_id'->'to' end as owner
    from es_events where tenant_id = ${e.tenantId} and stream_type = ${e.streamType} and stream_id = ${e.streamId}
      and stream_version < ${e.streamVersion} and (event_type = 'DealCreated' or (event_type = 'DealUpdated' and data->'changes' ? 'owner_user_id'))
    order by stream_version desc limit 1`.execute(tx);
  const owner = rows[0]?.owner;
  return typeof owner === 'number' ? owner : null;
}

/** The new owner of a deal created with one, or whose owner changed, unless they did it themselves. */
function assignedOwner(e: StoredEvent): number | null {
  let owner: unknown = null;
  if (isDealEvent(e, 'DealCreated')) owner = e.data.owner_user_id;
  else if (isDealEvent(e, 'DealUpdated')) owner = e.data.changes.owner_user_id?.to;
  return typeof owner === 'number' && owner !== actorOf(e) ? owner : null;
}

const leadAssigned: NotificationSource = {
  key: 'sales.lead_assigned',
  module: 'sales',
  label: 'Deal assigned to you',
  description: 'Someone else made you the owner of a deal, when creating it or later.',
  eventTypes: ['DealCreated', 'DealUpdated'],
  defaultChannels: { in_app: true, email: true },
  variables: { dealName: 'Acme renewal', actorName: 'Jane Roe' },
  template: {
    title: 'New deal assigned: {{dealName}}',
    body: '{{actorName}} assigned you the deal {{dealName}}.',
    emailSubject: 'You have been assigned {{dealName}}',
    emailBody: '{{actorName}} assigned you the deal {{dealName}}.',
  },
  async fire(tx, e): Promise<Firing[]> {
    const owner = assignedOwner(e);
    if (owner === null) return [];
    const deal = await dealOf(tx, e);
    if (!deal) return [];
    return [{ userId: owner, variables: { dealName: deal.name, actorName: await actorName(tx, e) }, link: dealLink(e.streamId) }];
  },
};

type Outcome = 'open' | 'won' | 'lost';

/**
 * The outcomes of stages already looked up in this transaction (the engine's batch): each move is
 * judged by three sources (open, won, lost), and a batch holds many moves into the same stages.
 */
const outcomes = new WeakMap<Tx, Map<string, Promise<Outcome>>>();

/** Whether the stage a deal moved to closes it (as the stage is now; a deleted stage counts as open). */
function outcomeOf(tx: Tx, e: StoredEvent, stageId: string): Promise<Outcome> {
  let known = outcomes.get(tx);
  if (!known) outcomes.set(tx, (known = new Map()));
  const key = `${e.tenantId}:${stageId}`;
  let outcome = known.get(key);
  if (!outcome) {
    outcome = tx
      .selectFrom('crm_stages')
      .select(['is_won', 'is_lost'])
      .where('tenant_id', '=', e.tenantId)
      .where('id', '=', stageId)
      .executeTakeFirst()
      .then((stage): Outcome => (stage?.is_won ? 'won' : stage?.is_lost ? 'lost' : 'open'));
    known.set(key, outcome);
  }
  return outcome;
}

const MOVE_VARIABLES = { dealName: 'Acme renewal', actorName: 'Jane Roe', fromStage: 'Qualified', toStage: 'Proposal' };

/** A deal its owner did not move themselves, into a stage of this outcome: tell the owner it had then. */
function moveSource(
  outcome: Outcome,
  spec: Pick<NotificationSource, 'key' | 'label' | 'description' | 'defaultChannels' | 'template'>,
): NotificationSource {
  return {
    ...spec,
    module: 'sales',
    eventTypes: ['DealMoved'],
    variables: MOVE_VARIABLES,
    async fire(tx, e): Promise<Firing[]> {
      if (!isDealEvent(e, 'DealMoved') || (await outcomeOf(tx, e, e.data.to_stage_id)) !== outcome) return [];
      // Most moves are the owner's own: the owner first, and the deal read only when someone is told.
      const owner = await ownerBefore(tx, e);
      if (owner === null || owner === actorOf(e)) return [];
      const deal = await dealOf(tx, e);
      if (!deal) return [];
      const variables = {
        dealName: deal.name,
        actorName: await actorName(tx, e),
        fromStage: e.data.from_stage_name,
        toStage: e.data.to_stage_name,
      };
      return [{ userId: owner, variables, link: dealLink(e.streamId) }];
    },
  };
}

const dealStageChanged = moveSource('open', {
  key: 'sales.deal_stage_changed',
  label: 'Your deal changed stage',
  description: 'Someone else moved a deal you own to another open stage.',
  defaultChannels: { in_app: true, email: false },
  template: {
    title: '{{dealName}} moved to {{toStage}}',
    body: '{{actorName}} moved {{dealName}} from {{fromStage}} to {{toStage}}.',
    emailSubject: '{{dealName}} moved to {{toStage}}',
    emailBody: '{{actorName}} moved your deal {{dealName}} from {{fromStage}} to {{toStage}}.',
  },
});

/** A deal its owner had closed by someone else: `sales.deal_won` or `sales.deal_lost`. */
const dealClosed = (outcome: 'won' | 'lost') =>
  moveSource(outcome, {
    key: `sales.deal_${outcome}`,
    label: `Your deal was ${outcome}`,
    description: `Someone else moved a deal you own to a ${outcome} stage.`,
    defaultChannels: { in_app: true, email: true },
    template: {
      title: `{{dealName}} ${outcome}`,
      body: `{{actorName}} marked {{dealName}} as ${outcome} ({{toStage}}).`,
      emailSubject: `{{dealName}} ${outcome}`,
      emailBody: `{{actorName}} marked your deal {{dealName}} as ${outcome} ({{toStage}}).`,
    },
  });

export const pipelineNotificationSources: readonly NotificationSource[] = [
  leadAssigned,
  dealStageChanged,
  dealClosed('won'),
  dealClosed('lost'),
];
