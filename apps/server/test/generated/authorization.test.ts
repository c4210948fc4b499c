import { restRoutes } from '@crm/rest';
import { describe, expect, it } from 'vitest';
import { fillPath, pathValuesFor, type Principal, permitted, useWorld } from './fixtures.ts';
import { expectedAccess } from './matrix.ts';

// The authorization matrix, generated from the route declarations: every route × every kind of
// caller → the status that follows from the route's declared access (public, or a permission and
// a plan). A route added tomorrow is in this table the moment it is declared.

const env = useWorld();

const PRINCIPALS = [
  'no credentials',
  'forged token',
  'expired token',
  'viewer',
  'user',
  'manager',
  'tenant_admin',
  'API key (user)',
  'tenant_admin on free plan',
  'tenant_admin of another tenant',
] as const;

describe.each(restRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', (_name, route) => {
  it.each(PRINCIPALS)('as %s', async (who) => {
    const { t, world } = env;
    const principal = world.principals.find((p: Principal) => p.name === who)!;
    const path = fillPath(route, pathValuesFor(route, world));
    const res = await t.request(route.method.toUpperCase(), path, {
      ...(principal.token ? { token: principal.token } : {}),
      ...(route.body ? { body: {} } : {}),
    });
    const expected = expectedAccess(route, principal, permitted);
    expect(res.status, `${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
    if (expected.status) {
      expect(res.status, res.text.slice(0, 300)).toBe(expected.status);
      expect(res.body.code).toBe(expected.code);
    } else {
      expect([401, 402, 403], `allowed, yet ${res.status} ${res.text.slice(0, 300)}`).not.toContain(res.status);
    }
    // Another tenant's caller never gets tenant A's records: an id of A is not found, and a list
    // or summary holds nothing of A.
    if (principal.kind === 'other' && !route.contract.access.public) {
      // ({key} and {category} of /api/v1/org-settings name a setting every tenant has, not a record of A;
      // {rule_type}/{rule_id} of /v1/notifications/rules a rule every user has.)
      if (/\{(?!slug\}|key\}|category\}|rule_type\}|rule_id\})\w+\}/.test(route.path)) expect([400, 404]).toContain(res.status);
      // (An id the caller sent may be echoed in the refusal; that tells them nothing new.)
      for (const secret of world.secrets) if (!path.includes(secret)) expect(res.text).not.toContain(secret);
    }
  });
});
