import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { queryNumber } from '../shared/fields.ts';
import { fromNothing, fromParams, fromSnakeBody, fromSnakeParams, fromSnakeParamsAndBody, inSnakeCase, shownAs } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/teams and /v1/org (document 000: snake_case, bare resources). /v1/org is the caller's
// primary team under another name: the oldest team they own, else the oldest they belong to.

const { teams: c, org } = contracts.teams;
const { json } = routesOf(v1Face);

const teamDetail = snakeFace(contracts.teams.TeamDetail);
const teamList = snakeFace(c.list.output);
const memberList = snakeFace(org.members.output);

const createBody = snakeInput(c.create.input.shape);
const updateBody = snakeInput(c.update.input.omit({ teamId: true }).shape);
const inviteBody = snakeInput(c.invite.input.omit({ teamId: true }).shape);
const roleBody = snakeInput(c.changeRole.input.pick({ role: true }).shape);

const teamId = c.get.input.shape.teamId;
const team = snakeInput({ teamId });
const teamMember = snakeInput({ teamId, userId: queryNumber(c.changeRole.input.shape.userId) });
const teamInvite = snakeInput({ teamId, inviteId: c.revokeInvite.input.shape.inviteId });
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
const detail = shownAs(teamDetail);

export const teamRoutes = [
  json('post', '/v1/teams', { contract: c.create, status: 201, ...fromSnakeBody(createBody), ...detail }),
  json('get', '/v1/teams', { contract: c.list, ...fromNothing, ...listUnder('teams', teamList) }),
  json('post', '/v1/teams/accept-invite/{token}', { contract: c.acceptInvite, ...fromParams(token), ...detail }),
  json('get', '/v1/teams/{team_id}', { contract: c.get, ...fromSnakeParams(team), ...detail }),
  json('put', '/v1/teams/{team_id}', { contract: c.update, ...fromSnakeParamsAndBody(team, updateBody), ...detail }),
  json('delete', '/v1/teams/{team_id}', { ...fromSnakeParams(team), ...inSnakeCase(c.disband) }),
  json('post', '/v1/teams/{team_id}/invite', { status: 201, ...fromSnakeParamsAndBody(team, inviteBody), ...inSnakeCase(c.invite) }),
  json('delete', '/v1/teams/{team_id}/invites/{invite_id}', { ...fromSnakeParams(teamInvite), ...inSnakeCase(c.revokeInvite) }),
  json('put', '/v1/teams/{team_id}/members/{user_id}', { ...fromSnakeParamsAndBody(teamMember, roleBody), ...inSnakeCase(c.changeRole) }),
  json('delete', '/v1/teams/{team_id}/members/{user_id}', { ...fromSnakeParams(teamMember), ...inSnakeCase(c.removeMember) }),
  json('get', '/v1/teams/{team_id}/activity', {
    params: team.schema,
    query: activityQuery,
    input: ({ params, query }) => ({ ...team.toContract(params), page: query.page, pageSize: query.page_size ?? query.limit }),
    ...inSnakeCase(c.activity),
  }),
];

export const orgRoutes = [
  json('get', '/v1/org', { contract: org.get, ...fromNothing, ...detail }),
  json('post', '/v1/org', { contract: org.create, status: 201, ...fromSnakeBody(createBody), ...detail }),
  json('put', '/v1/org', { contract: org.update, ...fromSnakeBody(updateBody), ...detail }),
  json('get', '/v1/org/members', { contract: org.members, ...fromNothing, ...listUnder('members', memberList) }),
];
