import { inSystem } from '@crm/db';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { documentedStatuses, expectDocShape, PREFIXES, twoTenants } from './crm-doc003.ts';

// Document 003's invite and link-user of persons, on both path families: a real platform
// invitation (the users module's), the binding to a platform user, and the binding a user gets
// on creation when a person has their email. Every answer is checked against the document.

const { t, a, b } = await twoTenants('inv');

let seq = 0;
const mail = (tag: string) => `${tag}-${++seq}-${Date.now()}@people.example.com`;

async function person(tenant: TestTenant, body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/crm/persons/', { token: tenant.token, body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}
async function getPerson(tenant: TestTenant, id: string) {
  const res = await t.request('GET', `/api/crm/persons/${id}/`, { token: tenant.token });
  expect(res.status, res.text).toBe(200);
  expectDocShape('Person', res.body);
  return res.body;
}
async function invitationMail(tenantId: string, to: string) {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ text_body: string }>`select text_body from mail_outbox
      where tenant_id = ${tenantId} and kind = 'invitation' and to_address = ${to} order by created_at`.execute(tx),
  );
  return rows;
}
async function userRow(tenantId: string, id: number) {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{
      email: string;
      role: string;
      status: string;
    }>`select email, role, status from users where tenant_id = ${tenantId} and id = ${id}`.execute(tx),
  );
  return rows[0];
}

describe('the documented status codes', () => {
  it('are the ones these tests answer', () => {
    expect(documentedStatuses('/api/crm/persons/{id}/invite/', 'post').sort()).toEqual(['201', '400', '403', '404', '409', '422']);
    expect(documentedStatuses('/api/crm/persons/{id}/link-user/', 'post').sort()).toEqual(['200', '400', '403', '404']);
  });
});

describe.each(PREFIXES)('POST %s/persons/{id}/invite/', (prefix) => {
  it('201: a pending platform user with the person’s email, bound to the person, and the invitation mail', async () => {
    const email = mail('Invitee');
    const p = await person(a, { name: 'Ivy Invitee Jones', primary_email: email });
    const res = await t.request('POST', `${prefix}/persons/${p.id}/invite/`, {
      token: a.token,
      body: { is_staff: true, redirect_to: 'https://app.example.com/welcome', enrollment_config: { courses: ['c-1'] } },
    });
    expect(res.status, res.text).toBe(201);
    expectDocShape('PersonInviteResponse', res.body);
    expect(res.body).toMatchObject({
      person_id: p.id,
      invitation_email: email.toLowerCase(),
      platform_key: a.slug,
      auto_accept: false,
      active: true,
      redirect_to: 'https://app.example.com/welcome',
    });
    const user = await userRow(a.tenantId, res.body.invitation_id);
    expect(user).toEqual({ email: email.toLowerCase(), role: 'manager', status: 'invited' });
    expect(await invitationMail(a.tenantId, email.toLowerCase())).toHaveLength(1);
    const after = await getPerson(a, p.id);
    expect(after).toMatchObject({ platform_user: res.body.invitation_id, active: false });

    // 409 with the document's conflict shape while that invitation is active; nothing written.
    const before = await t.eventCount(a.tenantId);
    const again = await t.request('POST', `${prefix}/persons/${p.id}/invite/`, { token: a.token, body: {} });
    expect(again.status, again.text).toBe(409);
    expectDocShape('PersonInviteConflict', again.body, ['code', 'details', 'request_id']);
    expect(again.body).toMatchObject({
      invitation_id: res.body.invitation_id,
      person_id: p.id,
      platform_key: a.slug,
      code: 'invitation_active',
    });
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect(await invitationMail(a.tenantId, email.toLowerCase())).toHaveLength(1);

    // Accepting activates the user, still bound to the person; inviting again is a 422.
    const token = /accept-invitation\?token=([A-Za-z0-9_-]{43})\b/.exec(
      (await invitationMail(a.tenantId, email.toLowerCase()))[0]!.text_body,
    )![1];
    const accepted = await t.request('POST', '/api/v1/users/accept-invitation', { body: { token, password: 'Correct-Horse-Battery-9' } });
    expect(accepted.status, accepted.text).toBe(200);
    expect((await userRow(a.tenantId, res.body.invitation_id))!.status).toBe('active');
    expect((await getPerson(a, p.id)).platform_user).toBe(res.body.invitation_id);
    const linked = await t.request('POST', `${prefix}/persons/${p.id}/invite/`, { token: a.token });
    expect([linked.status, linked.body.code]).toEqual([422, 'already_linked']);

    // The genealogy shows the binding and the invitation, by whom.
    const g = await t.request('GET', `/api/crm/persons/${p.id}/genealogy/`, { token: a.token });
    expect(g.status, g.text).toBe(200);
    expect(g.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['created', 'linked', 'invited']);
    expect(g.body.entries[1]).toMatchObject({ user_id: res.body.invitation_id, via: 'user_created', actor_user_id: a.userId });
    expect(g.body.entries[2]).toMatchObject({ user_id: res.body.invitation_id, actor: { type: 'user', id: a.userId } });
  });

  it('is_admin invites a tenant_admin; no body invites a plain user', async () => {
    const admin = await person(a, { name: 'Ada Admin', primary_email: mail('admin') });
    const r1 = await t.request('POST', `${prefix}/persons/${admin.id}/invite/`, { token: a.token, body: { is_admin: true } });
    expect(r1.status, r1.text).toBe(201);
    expect((await userRow(a.tenantId, r1.body.invitation_id))!.role).toBe('tenant_admin');
    const plain = await person(a, { name: 'Pat Plain', primary_email: mail('plain') });
    const r2 = await t.request('POST', `${prefix}/persons/${plain.id}/invite/`, { token: a.token });
    expect(r2.status, r2.text).toBe(201);
    expect(r2.body.redirect_to).toBeNull();
    expect((await userRow(a.tenantId, r2.body.invitation_id))!.role).toBe('user');
  });

  it('400 without primary_email, 404 for an unknown or another tenant’s person, 403 without Ibl.CRM/Invite/action; none writes', async () => {
    const noMail = await person(a, { name: 'Nemo Nomail' });
    const theirs = await person(b, { name: 'Bea Other', primary_email: mail('other') });
    const user = await t.createUser(a, 'user', 'Uma');
    const before = await t.eventCount(a.tenantId);
    const beforeB = await t.eventCount(b.tenantId);
    const cases: Array<[string, string | undefined, unknown, number, string]> = [
      [noMail.id, a.token, {}, 400, 'no_primary_email'],
      ['00000000-0000-4000-8000-000000000000', a.token, {}, 404, 'person_not_found'],
      [theirs.id, a.token, {}, 404, 'person_not_found'],
      [theirs.id, user.token, {}, 403, 'permission_denied'],
      [noMail.id, a.token, { is_admin: 'yes' }, 400, 'validation_error'],
      [noMail.id, a.token, { unknown_field: 1 }, 400, 'validation_error'],
    ];
    for (const [id, token, body, status, code] of cases) {
      const res = await t.request('POST', `${prefix}/persons/${id}/invite/`, { ...(token ? { token } : {}), body });
      expect([res.status, res.body?.code], res.text).toEqual([status, code]);
    }
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect(await t.eventCount(b.tenantId)).toBe(beforeB);
  });

  it('a user already holding the email is a 409 email_taken (link it instead), nothing written', async () => {
    const user = await t.createUser(a, 'user', 'Hal');
    const p = await person(a, { name: 'Hal Holder', primary_email: mail('holder') });
    // The person's email changes to the user's afterwards: creation linked nothing.
    await t.request('PATCH', `/api/crm/persons/${p.id}/`, { token: a.token, body: { primary_email: user.email } });
    const before = await t.eventCount(a.tenantId);
    const res = await t.request('POST', `${prefix}/persons/${p.id}/invite/`, { token: a.token });
    expect([res.status, res.body.code]).toEqual([409, 'email_taken']);
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });
});

describe.each(PREFIXES)('POST %s/persons/{id}/link-user/', (prefix) => {
  it('binds the person (platform_user set, active false); the same user again is a no-op; another user is refused, the binding stays', async () => {
    const p = await person(a, { name: 'Lina Link', primary_email: mail('lina') });
    const u1 = await t.createUser(a, 'user', 'Uno');
    const u2 = await t.createUser(a, 'user', 'Duo');
    const res = await t.request('POST', `${prefix}/persons/${p.id}/link-user/`, { token: a.token, body: { user_id: u1.userId } });
    expect(res.status, res.text).toBe(200);
    expectDocShape('Person', res.body);
    expect(res.body).toMatchObject({ id: p.id, platform_user: u1.userId, active: false });
    expect(res.headers.get('link-outcome')).toBe('linked');

    const before = await t.eventCount(a.tenantId);
    const same = await t.request('POST', `${prefix}/persons/${p.id}/link-user/`, { token: a.token, body: { user_id: u1.userId } });
    expect(same.status).toBe(200);
    expect(same.body).toEqual(res.body);
    expect(same.headers.get('link-outcome')).toBe('unchanged');
    const other = await t.request('POST', `${prefix}/persons/${p.id}/link-user/`, { token: a.token, body: { user_id: u2.userId } });
    expect(other.status).toBe(200);
    expectDocShape('Person', other.body);
    expect(other.body).toEqual(res.body);
    expect(other.headers.get('link-outcome')).toBe('refused');
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect((await getPerson(a, p.id)).platform_user).toBe(u1.userId);
  });

  it('400 without user_id, 404 for an unknown user, another tenant’s user or person, 403 for a viewer; none writes', async () => {
    const p = await person(a, { name: 'Rita Refused' });
    const theirs = await person(b, { name: 'Bo Other' });
    const bUser = await t.createUser(b, 'user', 'Bob');
    const viewer = await t.createUser(a, 'viewer', 'Vic');
    const u = await t.createUser(a, 'user', 'Ula');
    const before = await t.eventCount(a.tenantId);
    const cases: Array<[string, string, unknown, number, string]> = [
      [p.id, a.token, {}, 400, 'validation_error'],
      [p.id, a.token, { user_id: 'seven' }, 400, 'validation_error'],
      [p.id, a.token, { user_id: 99_999_999 }, 404, 'user_not_found'],
      [p.id, a.token, { user_id: bUser.userId }, 404, 'user_not_found'],
      [theirs.id, a.token, { user_id: u.userId }, 404, 'person_not_found'],
      [p.id, viewer.token, { user_id: u.userId }, 403, 'permission_denied'],
    ];
    for (const [id, token, body, status, code] of cases) {
      const res = await t.request('POST', `${prefix}/persons/${id}/link-user/`, { token, body });
      expect([res.status, res.body?.code], res.text).toEqual([status, code]);
    }
    expect(await t.eventCount(a.tenantId)).toBe(before);
    expect((await getPerson(a, p.id)).platform_user).toBeNull();
  });
});

describe('a user created with a person’s email', () => {
  it('is bound to that person, case-insensitively, in that tenant only', async () => {
    const email = mail('Auto');
    const p = await person(a, {
      name: 'Otto Auto',
      primary_email: email.toUpperCase().replace('@PEOPLE.EXAMPLE.COM', '@people.example.com'),
    });
    const elsewhere = await person(b, { name: 'Otto Elsewhere', primary_email: email });
    const created = await t.request('POST', '/api/v1/users', {
      token: a.token,
      body: { email: email.toLowerCase(), firstName: 'Otto', lastName: 'Auto', role: 'user' },
    });
    expect(created.status, created.text).toBe(201);
    const userId = created.body.data.id as number;
    expect(await getPerson(a, p.id)).toMatchObject({ platform_user: userId, active: false });
    expect(await getPerson(b, elsewhere.id)).toMatchObject({ platform_user: null, active: true });
    const g = await t.request('GET', `/api/crm/persons/${p.id}/genealogy/`, { token: a.token });
    expect(g.body.entries.at(-1)).toMatchObject({ kind: 'linked', user_id: userId, via: 'user_created' });
  });
});

describe('unlink (tRPC)', () => {
  it('removes the binding; the person is active again; twice is a conflict', async () => {
    const p = await person(a, { name: 'Una Unlink' });
    const u = await t.createUser(a, 'user', 'Ned');
    await t.request('POST', `/api/crm/persons/${p.id}/link-user/`, { token: a.token, body: { user_id: u.userId } });
    const crm = t.client(a.token);
    const out = await crm.people.persons.unlinkUser.mutate({ personId: p.id });
    expect(out).toMatchObject({ platformUser: null, active: true });
    await expect(crm.people.persons.unlinkUser.mutate({ personId: p.id })).rejects.toMatchObject({ data: { code: 'CONFLICT' } });
    const g = await crm.people.persons.genealogy.query({ personId: p.id });
    expect(g.entries.map((e) => e.kind)).toEqual(['created', 'linked', 'unlinked']);
  });
});
