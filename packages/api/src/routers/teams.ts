import type { Tx } from '@crm/db';
import { type CommandContext, DomainError, identity, iso, teams as domain } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/teams.ts';
import { tokenLink } from '../mail/links.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { type AuthedContext, mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Teams and the org (document 000). Whether a caller may see or change a team is decided by the
// domain from their role in it; the router only loads, calls and shapes.

type TeamDetail = z.output<typeof c.TeamDetail>;
type TeamMember = z.output<typeof c.TeamMember>;

const memberDto = (m: domain.MemberRow): TeamMember => ({
  userId: m.user_id,
  role: m.role,
  email: m.email,
  firstName: m.first_name,
  lastName: m.last_name,
  joinedAt: iso(m.joined_at),
});

const teamDto = (t: domain.TeamsTable, role: domain.TeamRole, memberCount: number): z.output<typeof c.Team> => ({
  id: t.id,
  name: t.name,
  description: t.description,
  role,
  memberCount,
  createdBy: t.created_by,
  version: Number(t.version),
  createdAt: iso(t.created_at),
  updatedAt: iso(t.updated_at),
});

/** A team as one of its members sees it; 404 for anyone else. */
async function teamDetail(tx: Tx, tenantId: string, teamId: string, viewer: number): Promise<TeamDetail> {
  const loaded = await domain.loadTeam(tx, tenantId, teamId);
  if (!loaded) throw domain.teamNotFound(teamId);
  const role = domain.roleOf(loaded.state, viewer);
  const manages = role === 'owner' || role === 'admin';
  const [members, invites] = await Promise.all([
    domain.membersOf(tx, tenantId, teamId),
    manages ? domain.pendingInvitesOf(tx, tenantId, teamId) : [],
  ]);
  return {
    ...teamDto(loaded.team, role, members.length),
    members: members.map(memberDto),
    invites: invites.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      invitedBy: i.invited_by,
      expiresAt: iso(i.expires_at),
      createdAt: iso(i.created_at),
    })),
  };
}

/** A command on a team, answered with the team as the caller now sees it (in the same transaction). */
function commandThenDetail(ctx: AuthedContext, fn: (cmd: CommandContext) => Promise<string>): Promise<TeamDetail> {
  return runCommand(ctx, async (cmd) => teamDetail(cmd.tx, cmd.tenantId, await fn(cmd), ctx.principal.userId));
}

const noPrimary = () =>
  new DomainError('not_found', 'org_not_found', 'you belong to no team yet: create one with POST /v1/org or /v1/teams');

async function primaryTeamId(tx: Tx, ctx: AuthedContext): Promise<string> {
  const primary = await domain.primaryTeamOf(tx, ctx.principal.tenantId, ctx.principal.userId);
  if (!primary) throw noPrimary();
  return primary.id;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The invitation mail, in the outbox of the invitation's own transaction. */
async function mailInvite(cmd: CommandContext, teamId: string, to: string, role: string, sent: domain.SentInvite) {
  const [team, inviter] = await Promise.all([
    domain.loadTeam(cmd.tx, cmd.tenantId, teamId),
    cmd.userId === null ? undefined : identity.getUser(cmd.tx, cmd.tenantId, cmd.userId),
  ]);
  const teamName = team?.team.name ?? 'a team';
  const who = inviter ? `${inviter.first_name} ${inviter.last_name}`.trim() : 'A colleague';
  const link = tokenLink('/accept-team-invite', sent.token);
  const days = domain.TEAM_INVITE_TTL_DAYS;
  const line = `${who} invited you to join the team ${teamName} as ${role}. Accept here (valid for ${days} days, once; sign in with ${to}):`;
  await enqueueMail(
    cmd.tx,
    cmd.tenantId,
    {
      kind: 'invitation',
      to,
      subject: `Join ${teamName}`,
      text: [line, link].join('\n'),
      html: `<p>${escapeHtml(line)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
    },
    cmd.clock.now(),
  );
}

export const teamsRouter = router({
  create: mutation(c.teams.create, ({ ctx, input }) =>
    commandThenDetail(ctx, (cmd) => domain.createTeam(cmd, { name: input.name, description: input.description ?? null })),
  ),

  list: query(c.teams.list, async ({ ctx }) => {
    const rows = await runQuery(ctx, (tx) => domain.listTeamsOf(tx, ctx.principal.tenantId, ctx.principal.userId));
    return rows.map((r) => teamDto(r, r.role, Number(r.member_count)));
  }),

  get: query(c.teams.get, ({ ctx, input }) =>
    runQuery(ctx, (tx) => teamDetail(tx, ctx.principal.tenantId, input.teamId, ctx.principal.userId)),
  ),

  update: mutation(c.teams.update, ({ ctx, input }) =>
    commandThenDetail(ctx, (cmd) => domain.updateTeam(cmd, input.teamId, { name: input.name, description: input.description })),
  ),

  disband: mutation(c.teams.disband, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => domain.disbandTeam(cmd, input.teamId));
    return { deleted: true as const, teamId: input.teamId };
  }),

  invite: mutation(c.teams.invite, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      const sent = await domain.inviteMember(cmd, input.teamId, { email: input.email, role: input.role });
      await mailInvite(cmd, input.teamId, input.email, input.role, sent);
      return {
        id: sent.inviteId,
        teamId: input.teamId,
        email: input.email,
        role: input.role,
        status: 'pending' as const,
        expiresAt: iso(sent.expiresAt),
      };
    }),
  ),

  acceptInvite: mutation(c.teams.acceptInvite, ({ ctx, input }) =>
    commandThenDetail(ctx, async (cmd) => {
      const me = await identity.getUser(cmd.tx, cmd.tenantId, ctx.principal.userId);
      if (!me) throw domain.inviteNotFound();
      return domain.acceptInvite(cmd, input.token, me.email);
    }),
  ),

  revokeInvite: mutation(c.teams.revokeInvite, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => domain.revokeInvite(cmd, input.teamId, input.inviteId));
    return { revoked: true as const, inviteId: input.inviteId };
  }),

  changeRole: mutation(c.teams.changeRole, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      await domain.changeMemberRole(cmd, input.teamId, input.userId, input.role);
      const member = (await domain.membersOf(cmd.tx, cmd.tenantId, input.teamId)).find((m) => m.user_id === input.userId);
      return memberDto(member!);
    }),
  ),

  removeMember: mutation(c.teams.removeMember, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => domain.removeMember(cmd, input.teamId, input.userId));
    return { removed: true as const, teamId: input.teamId, userId: input.userId };
  }),

  activity: query(c.teams.activity, ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const tenantId = ctx.principal.tenantId;
      const loaded = await domain.loadTeam(tx, tenantId, input.teamId);
      if (!loaded) throw domain.teamNotFound(input.teamId);
      domain.requireRole(loaded.state, ctx.principal.userId, domain.TEAM_MANAGERS, 'reading the audit log');
      const { entries, total } = await domain.teamActivity(tx, ctx.services.store, tenantId, input.teamId, input.page, input.pageSize);
      return {
        entries: entries.map(({ position: _position, occurredAt, ...e }) => ({ ...e, occurredAt: iso(occurredAt) })),
        total,
        page: input.page,
        pageSize: input.pageSize,
        hasMore: input.page * input.pageSize < total,
      };
    }),
  ),

  org: router({
    get: query(c.org.get, ({ ctx }) =>
      runQuery(ctx, async (tx) => teamDetail(tx, ctx.principal.tenantId, await primaryTeamId(tx, ctx), ctx.principal.userId)),
    ),
    create: mutation(c.org.create, ({ ctx, input }) =>
      commandThenDetail(ctx, (cmd) => domain.createTeam(cmd, { name: input.name, description: input.description ?? null })),
    ),
    update: mutation(c.org.update, ({ ctx, input }) =>
      commandThenDetail(ctx, async (cmd) =>
        domain.updateTeam(cmd, await primaryTeamId(cmd.tx, ctx), { name: input.name, description: input.description }),
      ),
    ),
    members: query(c.org.members, ({ ctx }) =>
      runQuery(ctx, async (tx) => (await domain.membersOf(tx, ctx.principal.tenantId, await primaryTeamId(tx, ctx))).map(memberDto)),
    ),
  }),
});
