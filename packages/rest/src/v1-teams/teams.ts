import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { queryNumber } from '../shared/fields.ts';
import { fromNothing } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/teams and /v1/org (document 000: snake_case, bare resources). /v1/org is the caller's
// primary team under another name: the oldest team they own, else the oldest they belong to.

const { teams: c, org } = contracts.teams;
const { json } = routesOf(v1Face);

const teamDetail = snakeFace(contracts.teams.TeamDetail);
const teamList = snakeFace(c.list.output);
const member = snakeFace(contracts.teams.TeamMember);
const memberList = snakeFace(org.members.output);
const sent = snakeFace(c.invite.output);
const disbanded = snakeFace(c.disband.output);
const revoked = snakeFace(c.revokeInvite.output);
const removed = snakeFace(c.removeMember.output);
const activity = snakeFace(c.activity.output);

const createBody = snakeInput(c.create.input.shape);
const updateBody = snakeInput(c.update.input.omit({ teamId: true }).shape);
const inviteBody = snakeInput(c.invite.input.omit({ teamId: true }).shape);
const roleBody = snakeInput(c.changeRole.input.pick({ role: true }).shape);

const team = z.object({ team_id: c.get.input.shape.teamId });
const teamMember = team.extend({ user_id: queryNumber(c.changeRole.input.shape.userId) });
const teamInvite = team.extend({ invite_id: c.revokeInvite.input.shape.inviteId });
const token = z.object({ token: c.acceptInvite.input.shape.token });
// Without the contract's default here, so that a `limit` alone is heard; the contract applies it.
const pageSizeField = c.activity.input.shape.pageSize.unwrap().optional();
const activityQuery = z.object({
  page: queryNumber(c.activity.input.shape.page),
  page_size: queryNumber(pageSizeField),
  limit: queryNumber(pageSizeField).describe('the same as page_size'),
});

/** A list as document 000 answers one: under a key, `{"teams": [...]}`. */
const listUnder = <K extends string, T, U>(key: K, view: { schema: z.ZodType; map: (rows: T) => U }) => ({
  response: z.object({ [key]: view.schema } as Record<K, z.ZodType>),
  output: (rows: T) => ({ [key]: view.map(rows) }) as Record<K, U>,
});

/** The answer every route that shows one whole team gives. */
const detail = { response: teamDetail.schema, output: teamDetail.map };

export const teamRoutes = [
  json({
    method: 'post',
    path: '/v1/teams',
    contract: c.create,
    status: 201,
    body: createBody.schema,
    input: ({ body }) => createBody.toContract(body),
    ...detail,
  }),
  json({
    method: 'get',
    path: '/v1/teams',
    contract: c.list,
    status: 200,
    ...fromNothing,
    ...listUnder('teams', teamList),
  }),
  json({
    method: 'post',
    path: '/v1/teams/accept-invite/{token}',
    contract: c.acceptInvite,
    status: 200,
    params: token,
    input: ({ params }) => ({ token: params.token }),
    ...detail,
  }),
  json({
    method: 'get',
    path: '/v1/teams/{team_id}',
    contract: c.get,
    status: 200,
    params: team,
    input: ({ params }) => ({ teamId: params.team_id }),
    ...detail,
  }),
  json({
    method: 'put',
    path: '/v1/teams/{team_id}',
    contract: c.update,
    status: 200,
    params: team,
    body: updateBody.schema,
    input: ({ params, body }) => ({ ...updateBody.toContract(body), teamId: params.team_id }),
    ...detail,
  }),
  json({
    method: 'delete',
    path: '/v1/teams/{team_id}',
    contract: c.disband,
    status: 200,
    params: team,
    response: disbanded.schema,
    input: ({ params }) => ({ teamId: params.team_id }),
    output: disbanded.map,
  }),
  json({
    method: 'post',
    path: '/v1/teams/{team_id}/invite',
    contract: c.invite,
    status: 201,
    params: team,
    body: inviteBody.schema,
    response: sent.schema,
    input: ({ params, body }) => ({ ...inviteBody.toContract(body), teamId: params.team_id }),
    output: sent.map,
  }),
  json({
    method: 'delete',
    path: '/v1/teams/{team_id}/invites/{invite_id}',
    contract: c.revokeInvite,
    status: 200,
    params: teamInvite,
    response: revoked.schema,
    input: ({ params }) => ({ teamId: params.team_id, inviteId: params.invite_id }),
    output: revoked.map,
  }),
  json({
    method: 'put',
    path: '/v1/teams/{team_id}/members/{user_id}',
    contract: c.changeRole,
    status: 200,
    params: teamMember,
    body: roleBody.schema,
    response: member.schema,
    input: ({ params, body }) => ({ role: body.role, teamId: params.team_id, userId: params.user_id }),
    output: member.map,
  }),
  json({
    method: 'delete',
    path: '/v1/teams/{team_id}/members/{user_id}',
    contract: c.removeMember,
    status: 200,
    params: teamMember,
    response: removed.schema,
    input: ({ params }) => ({ teamId: params.team_id, userId: params.user_id }),
    output: removed.map,
  }),
  json({
    method: 'get',
    path: '/v1/teams/{team_id}/activity',
    contract: c.activity,
    status: 200,
    params: team,
    query: activityQuery,
    response: activity.schema,
    input: ({ params, query }) => ({ teamId: params.team_id, page: query.page, pageSize: query.page_size ?? query.limit }),
    output: activity.map,
  }),
];

export const orgRoutes = [
  json({
    method: 'get',
    path: '/v1/org',
    contract: org.get,
    status: 200,
    ...fromNothing,
    ...detail,
  }),
  json({
    method: 'post',
    path: '/v1/org',
    contract: org.create,
    status: 201,
    body: createBody.schema,
    input: ({ body }) => createBody.toContract(body),
    ...detail,
  }),
  json({
    method: 'put',
    path: '/v1/org',
    contract: org.update,
    status: 200,
    body: updateBody.schema,
    input: ({ body }) => updateBody.toContract(body),
    ...detail,
  }),
  json({
    method: 'get',
    path: '/v1/org/members',
    contract: org.members,
    status: 200,
    ...fromNothing,
    ...listUnder('members', memberList),
  }),
];
