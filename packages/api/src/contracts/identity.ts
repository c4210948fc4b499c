import { z } from 'zod';
import { userName } from './answers.ts';
import { contract, email, noInput, rawText, requiredText, text, timestamp, uuid } from './shared.ts';
import { healthServices } from './health-services.ts';

// The core platform (document 001): tenants, sessions, API keys, health. Its REST face happens to
// share this vocabulary (camelCase, integer user ids); the {success, data} envelope is the face's.

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;
export const slug = z.string().trim().toLowerCase().regex(SLUG_PATTERN, 'lowercase letters, digits and dashes, 3-63 characters');
/** Long passphrases and any script are welcome; the hash refuses more than 1,024 UTF-8 bytes. */
export const password = rawText(8, 4096).describe('at least 8 characters, at most 1,024 bytes');
const personName = requiredText(200);

export const User = z.object({
  id: z.number().int(),
  email: z.string(),
  ...userName,
  role: z.string(),
  status: z.string(),
  emailVerified: z.boolean(),
  createdAt: timestamp,
});
export type User = z.infer<typeof User>;

/** A tenant as a visitor sees it, by its slug on a login page. */
export const TenantName = z.object({ id: uuid, name: z.string(), slug: z.string() });
export const Tenant = TenantName.extend({ plan: z.string(), trialEndsAt: timestamp.nullable(), status: z.string(), createdAt: timestamp });
export type Tenant = z.infer<typeof Tenant>;

export const Tokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});

const PUBLIC = { public: true } as const;

export const tenants = {
  register: contract('tenants.register', {
    summary: 'Register a new tenant with its first admin (starts a 14-day Pro trial).',
    access: PUBLIC,
    input: z.object({
      companyName: personName,
      slug,
      adminEmail: email,
      adminPassword: password,
      adminFirstName: personName,
      adminLastName: personName,
    }),
    output: z.object({ tenant: Tenant, user: User }),
  }),
  bySlug: contract('tenants.bySlug', {
    summary: 'A tenant’s name by its slug, for a login page; nothing a stranger should not see.',
    access: PUBLIC,
    input: z.object({ slug: text(63).toLowerCase() }),
    output: TenantName,
  }),
  checkSlug: contract('tenants.checkSlug', {
    summary: 'Whether a slug is well-formed and still free.',
    access: PUBLIC,
    input: z.object({ slug: text(100).toLowerCase() }),
    output: z.object({ slug: z.string(), valid: z.boolean(), available: z.boolean() }),
  }),
  me: contract('tenants.me', {
    summary: 'The caller’s tenant.',
    access: { permission: 'tenant.read' },
    input: noInput,
    output: Tenant,
  }),
};

export const auth = {
  login: contract('auth.login', {
    summary: 'Log in with email, password and tenant slug; returns an access and a refresh token.',
    access: PUBLIC,
    input: z.object({ email, password: rawText(1, 4096), tenantSlug: slug }),
    output: Tokens.extend({ user: User, tenant: Tenant }),
  }),
  refresh: contract('auth.refresh', {
    summary: 'Trade a refresh token for a new pair; each refresh token works once.',
    access: PUBLIC,
    input: z.object({ refreshToken: rawText(10, 200) }),
    output: Tokens,
  }),
  logout: contract('auth.logout', {
    summary: 'End this device’s session: the refresh token given and its family.',
    access: { permission: 'profile.self' },
    input: z.object({ refreshToken: rawText(1, 200).optional() }).default({}),
    output: z.object({ revokedSessions: z.number().int() }),
  }),
  logoutAll: contract('auth.logoutAll', {
    summary: 'End every session of the current user.',
    access: { permission: 'profile.self' },
    input: noInput,
    output: z.object({ revokedSessions: z.number().int() }),
  }),
  me: contract('auth.me', {
    summary: 'The current user, their tenant and permissions.',
    access: { permission: 'profile.self' },
    input: noInput,
    output: User.extend({
      tenantId: uuid,
      tenant: Tenant,
      permissions: z.array(z.string()),
      authenticatedWith: z.enum(['user', 'api_key']),
    }),
  }),
};

export const ApiKey = z.object({
  id: uuid,
  name: z.string(),
  prefix: z.string().describe('the first characters of the key, to tell keys apart'),
  userId: z.number().int(),
  profileId: z
    .number()
    .int()
    .nullable()
    .describe('the permission profile bounding the key: it may do what both the profile and its creator may; null: what its creator may'),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
});

const manageKeys = { permission: 'api_keys.manage' } as const;

export const apiKeys = {
  create: contract('apiKeys.create', {
    summary: 'Create an API key (cdb_…); the key is shown in this answer only.',
    access: manageKeys,
    input: z
      .object({
        name: requiredText(100).default('API key'),
        profileId: z.number().int().positive().max(2_147_483_647).nullable().optional(),
      })
      .default({ name: 'API key' }),
    output: ApiKey.omit({ revokedAt: true }).extend({ key: z.string() }),
  }),
  list: contract('apiKeys.list', {
    summary: 'API keys of the tenant: prefix and dates, never the keys.',
    access: manageKeys,
    input: noInput,
    output: z.array(ApiKey),
  }),
  revoke: contract('apiKeys.revoke', {
    summary: 'Revoke an API key; it fails at once.',
    access: manageKeys,
    input: z.object({ id: uuid }),
    output: z.object({ id: uuid, revoked: z.literal(true) }),
  }),
};

export const health = {
  check: contract('health.check', {
    summary: 'Health check with a database round trip.',
    access: PUBLIC,
    input: noInput,
    output: z.object({ status: z.enum(['ok', 'degraded']), database: z.enum(['ok', 'error']), latencyMs: z.number(), timestamp }),
  }),
  system: contract('health.system', {
    summary: 'Infrastructure and downstream service health.',
    access: PUBLIC,
    input: noInput,
    output: z.object({
      status: z.enum(['ok', 'degraded']),
      version: z.string(),
      uptimeSeconds: z.number().int(),
      services: z.object({
        database: z.object({ status: z.enum(['ok', 'error']), latencyMs: z.number(), version: z.string().optional(), kind: z.string() }),
      }),
      process: z.object({ node: z.string(), rssMb: z.number(), heapUsedMb: z.number() }),
      timestamp,
    }),
  }),
  services: healthServices,
};
