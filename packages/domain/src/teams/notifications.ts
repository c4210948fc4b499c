import type { Tx } from '@crm/db';
import type { StoredEvent } from '@crm/eventstore';
import type { Firing, NotificationSource } from '../notifications/source.ts';
import { actorOf } from '../shared/events.ts';
import { tenantRows } from '../shared/rows.ts';
import '../identity/tables.ts';
import { isTeamEvent, TeamEvent } from './events.ts';
import './tables.ts';

// What teams tell people: they were invited (when the address is already a user of the tenant),
// their role changed, they were removed. Always the member concerned, never the actor.

async function names(tx: Tx, e: StoredEvent) {
  const by = actorOf(e);
  const [team, actor] = await Promise.all([
    tenantRows(tx, e.tenantId, 'teams').select('name').where('id', '=', e.streamId).executeTakeFirst(),
    by === null
      ? undefined
      : tenantRows(tx, e.tenantId, 'users').select(['first_name', 'last_name']).where('id', '=', by).executeTakeFirst(),
  ]);
  return {
    // A team disbanded since keeps no row: the notification still says what happened.
    teamName: team?.name ?? 'a team',
    actorName: actor ? `${actor.first_name} ${actor.last_name}`.trim() : 'Someone',
  };
}

/** One firing for `userId` unless they did it themselves. */
async function toMember(
  tx: Tx,
  e: StoredEvent,
  userId: number | null,
  extra: Record<string, string>,
  link: string | null,
): Promise<Firing[]> {
  if (userId === null || userId === actorOf(e)) return [];
  return [{ userId, variables: { ...(await names(tx, e)), ...extra }, link }];
}

type TeamSource = Omit<NotificationSource, 'module' | 'template' | 'defaultChannels'> &
  Partial<Pick<NotificationSource, 'defaultChannels'>> & { title: string; body: string };

/**
 * A teams source: on in the inbox and by mail unless it says otherwise, its mail says what the
 * in-app notification says, and its templates may name the team and the actor besides its own
 * variables (every firing gives them: see toMember).
 */
const teamSource = ({ title, body, defaultChannels, variables, fire, ...rest }: TeamSource): NotificationSource => ({
  ...rest,
  defaultChannels: defaultChannels ?? { in_app: true, email: true },
  variables: { teamName: 'Sales EMEA', actorName: 'Jane Doe', ...variables },
  fire,
  module: 'teams',
  template: { title, body, emailSubject: title, emailBody: body },
});

export const teamNotificationSources: readonly NotificationSource[] = [
  teamSource({
    key: 'teams.invite_received',
    label: 'Team invitation',
    description: 'You were invited to join a team (the invitation link itself arrives by email).',
    eventTypes: [TeamEvent.TeamInviteSent],
    defaultChannels: { in_app: true, email: false },
    variables: { role: 'member' },
    title: 'You are invited to {{teamName}}',
    body: '{{actorName}} invited you to {{teamName}} as {{role}}. Open the link in the invitation email to join.',
    fire: (tx, e) => (isTeamEvent(e, 'TeamInviteSent') ? toMember(tx, e, e.data.invited_user_id, { role: e.data.role }, null) : []),
  }),
  teamSource({
    key: 'teams.role_changed',
    label: 'Team role changed',
    description: 'Your role in a team was changed by an owner or admin.',
    eventTypes: [TeamEvent.TeamMemberRoleChanged],
    variables: { from: 'member', to: 'admin' },
    title: 'Your role in {{teamName}} is now {{to}}',
    body: '{{actorName}} changed your role in {{teamName}} from {{from}} to {{to}}.',
    fire: (tx, e) =>
      isTeamEvent(e, 'TeamMemberRoleChanged')
        ? toMember(tx, e, e.data.user_id, { from: e.data.from, to: e.data.to }, `/teams/${e.streamId}`)
        : [],
  }),
  teamSource({
    key: 'teams.member_removed',
    label: 'Removed from a team',
    description: 'An owner or admin removed you from a team.',
    eventTypes: [TeamEvent.TeamMemberRemoved],
    variables: { role: 'member' },
    title: 'You were removed from {{teamName}}',
    body: '{{actorName}} removed you from {{teamName}} (you were {{role}}).',
    // Leaving is one's own act: nobody is told.
    fire: (tx, e) =>
      isTeamEvent(e, 'TeamMemberRemoved') && !e.data.left ? toMember(tx, e, e.data.user_id, { role: e.data.role }, null) : [],
  }),
];
