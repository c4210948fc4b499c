import { contracts } from '@crm/api';
import { z } from 'zod';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// Personal data and erasure (issue 8): a path of our naming on document 001's face ({success,
// data}, camelCase). No body: the person is the path. 200 with what was erased; an unknown id (or
// one of another tenant) 404; a person already erased 409 `person_already_erased`.

const { persons } = contracts.privacy;
const { json } = routesOf(apiV1Face);

export const privacyRoutes = [
  json('post', '/api/v1/privacy/persons/{id}/erase', {
    contract: persons.erase,
    params: z.object({ id: persons.erase.input.shape.personId }),
    response: persons.erase.output,
    input: ({ params }) => ({ personId: params.id }),
    output: (x) => x,
  }),
];
