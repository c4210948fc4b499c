import { contracts } from '@crm/api';
import { apiV1Face } from '../shared/face.ts';
import { routesOf } from '../shared/route.ts';

// /api/v1/auth: a user's own account (document 001, {success, data}): passwords, email
// verification, profile and preferences. The document gives no methods for updates: PUT and PATCH
// are accepted alike, and both merge (a field left out stays).

const { passwords, emailVerification, profile, preferences } = contracts.account;
const { json } = routesOf(apiV1Face);
const same = <T>(x: T) => x;

export const accountRoutes = [
  json({
    method: 'post',
    path: '/api/v1/auth/password/forgot',
    contract: passwords.forgot,
    status: 200,
    body: passwords.forgot.input.strict(),
    response: passwords.forgot.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'post',
    path: '/api/v1/auth/password/reset',
    contract: passwords.reset,
    status: 200,
    body: passwords.reset.input.strict(),
    response: passwords.reset.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'post',
    path: '/api/v1/auth/password/change',
    contract: passwords.change,
    status: 200,
    body: passwords.change.input.strict(),
    response: passwords.change.output,
    input: ({ body }) => body,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/auth/verify-email/{token}',
    contract: emailVerification.verify,
    status: 200,
    params: emailVerification.verify.input,
    response: emailVerification.verify.output,
    input: ({ params }) => params,
    output: same,
  }),
  // Not in the document: how a user gets (another) verification email.
  json({
    method: 'post',
    path: '/api/v1/auth/verify-email',
    contract: emailVerification.send,
    status: 200,
    response: emailVerification.send.output,
    input: () => undefined,
    output: same,
  }),
  json({
    method: 'get',
    path: '/api/v1/auth/me/profile',
    contract: profile.get,
    status: 200,
    response: profile.get.output,
    input: () => undefined,
    output: same,
  }),
  ...(['put', 'patch'] as const).map((method) =>
    json({
      method,
      path: '/api/v1/auth/me/profile',
      contract: profile.update,
      status: 200,
      body: profile.update.input.strict(),
      response: profile.update.output,
      input: ({ body }) => body,
      output: same,
    }),
  ),
  json({
    method: 'get',
    path: '/api/v1/auth/me/preferences',
    contract: preferences.get,
    status: 200,
    response: preferences.get.output,
    input: () => undefined,
    output: same,
  }),
  ...(['put', 'patch'] as const).map((method) =>
    json({
      method,
      path: '/api/v1/auth/me/preferences',
      contract: preferences.update,
      status: 200,
      body: preferences.update.input,
      response: preferences.update.output,
      input: ({ body }) => body,
      output: same,
    }),
  ),
];
