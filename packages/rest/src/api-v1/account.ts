import { contracts } from '@crm/api';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';
import { asIs, fromBody, fromNothing, fromParams } from '../shared/parts.ts';

// /api/v1/auth: a user's own account (document 001, {success, data}): passwords, email
// verification, profile and preferences. The document gives no methods for updates: PUT and PATCH
// are accepted alike, and both merge (a field left out stays): the profile and the preferences are
// each read with GET and merged with PUT or PATCH.

const { passwords, emailVerification, profile, preferences } = contracts.account;
const { json } = routesOf(apiV1Face);

export const accountRoutes = [
  ...(['forgot', 'reset', 'change'] as const).map((step) =>
    json('post', `/api/v1/auth/password/${step}`, { ...asIs(passwords[step]), ...fromBody(passwords[step].input.strict()) }),
  ),
  json('get', '/api/v1/auth/verify-email/{token}', { ...asIs(emailVerification.verify), ...fromParams(emailVerification.verify.input) }),
  // Not in the document: how a user gets (another) verification email.
  json('post', '/api/v1/auth/verify-email', { ...asIs(emailVerification.send), ...fromNothing }),
  ...[
    { path: '/api/v1/auth/me/profile', get: profile.get, update: profile.update, body: profile.update.input.strict() },
    { path: '/api/v1/auth/me/preferences', get: preferences.get, update: preferences.update, body: preferences.update.input },
  ].flatMap(({ path, get, update, body }) => [
    json('get', path, { ...asIs(get), ...fromNothing }),
    ...(['put', 'patch'] as const).map((method) => json(method, path, { ...asIs(update), ...fromBody(body) })),
  ]),
];
