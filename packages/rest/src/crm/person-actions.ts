import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { crmFace, type Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';
import { CRM_PREFIXES } from './records.ts';

// Document 003's person actions (invite, link-user, merge) on both path families, and what we add
// to merge on the /api/crm family only: undo, a person's merges and genealogy.

const c = contracts.people.persons;
const { json } = routesOf(crmFace);

/**
 * The invite's errors: document 003's PersonInviteConflict puts its facts beside `detail`
 * (`invitation_id`, `person_id`, `platform_key`), as DRF does; the scalar details are repeated there.
 */
const inviteFace: Face = {
  ...crmFace,
  error: (e) => ({ ...topLevelFacts(e.details), ...(crmFace.error(e) as object) }),
};
function topLevelFacts(details: unknown): Record<string, string | number | boolean> {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return {};
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(details))
    if (['string', 'number', 'boolean'].includes(typeof v)) out[k] = v as string | number | boolean;
  return out;
}
const invite = routesOf(inviteFace).json;

const person = snakeFace(contracts.people.Person);
const personParams = z.object({ id: c.get.input.shape.personId });

const inviteFields = snakeInput(c.invite.input.omit({ personId: true }).shape);
const invitation = snakeFace(contracts.people.PersonInvitation);
const linkBody = snakeInput(c.linkUser.input.omit({ personId: true }).shape);
const mergeBody = snakeInput(c.merge.input.omit({ dryRun: true }).shape);

/** `?dry_run=true` (or 1): what would move, nothing written. */
const dryRunQuery = z.object({
  dry_run: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('true: answer what would move and change nothing'),
});

/** Document 003's PersonMergeResponse, plus the merge's id (to undo it) and whether it was a dry run. */
const mergeResponse = z.object({
  primary_id: z.uuid(),
  merged_ids: z.array(z.uuid()),
  reparented: z.record(z.string(), z.number().int()),
  merge_id: z.uuid().optional().describe('absent on a dry run; POST /api/crm/persons/merges/{merge_id}/undo/ reverts the merge'),
  dry_run: z.boolean(),
});

const documented = CRM_PREFIXES.flatMap((prefix) => [
  invite('post', `${prefix}/persons/{id}/invite/`, {
    contract: c.invite,
    status: 201,
    params: personParams,
    body: inviteFields.schema.optional(),
    response: invitation.schema,
    input: ({ params, body }) => ({ ...(body ? inviteFields.toContract(body) : {}), personId: params.id }),
    output: invitation.map,
  }),
  json('post', `${prefix}/persons/{id}/link-user/`, {
    contract: c.linkUser,
    params: personParams,
    body: linkBody.schema,
    response: person.schema,
    input: ({ params, body }) => ({ ...linkBody.toContract(body), personId: params.id }),
    output: (r, reply) => {
      // Refused or a no-op, the document answers the unchanged person; the header tells which.
      reply.header('Link-Outcome', r.outcome);
      return person.map(r.person);
    },
  }),
  json('post', `${prefix}/persons/merge/`, {
    contract: c.merge,
    query: dryRunQuery,
    body: mergeBody.schema,
    response: mergeResponse,
    input: ({ query, body }) => ({ ...mergeBody.toContract(body), dryRun: query.dry_run }),
    output: (r, reply) => {
      if (r.mergeId) reply.header('Merge-Id', r.mergeId);
      return {
        primary_id: r.primaryId,
        merged_ids: r.mergedIds,
        reparented: r.reparented,
        ...(r.mergeId ? { merge_id: r.mergeId } : {}),
        dry_run: r.dryRun,
      };
    },
  }),
]);

const undone = snakeFace(c.undoMerge.output);
const merges = snakeFace(c.merges.output);
const genealogy = snakeFace(c.genealogy.output);

const ours = [
  json('post', '/api/crm/persons/merges/{merge_id}/undo/', {
    contract: c.undoMerge,
    params: z.object({ merge_id: c.undoMerge.input.shape.mergeId }),
    response: undone.schema,
    input: ({ params }) => ({ mergeId: params.merge_id }),
    output: undone.map,
  }),
  json('get', '/api/crm/persons/{id}/merges/', {
    contract: c.merges,
    params: personParams,
    response: merges.schema,
    input: ({ params }) => ({ personId: params.id }),
    output: merges.map,
  }),
  json('get', '/api/crm/persons/{id}/genealogy/', {
    contract: c.genealogy,
    params: personParams,
    response: genealogy.schema,
    input: ({ params }) => ({ personId: params.id }),
    output: genealogy.map,
  }),
];

export const personActionRoutes = [...documented, ...ours];
