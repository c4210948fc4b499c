import { createHmac } from 'node:crypto';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER, signJwt, verifyJwt } from './jwt.ts';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const NOW = 1_800_000_000;
const claims = { sub: '42', tid: '0b9c5a34-6d2f-4a4e-9a57-3c1f1f0e6a11', role: 'admin', typ: 'access' as const, iat: NOW, exp: NOW + 900 };
const b64 = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

describe('access tokens (jose, HS256)', () => {
  it('round-trips the access claims', async () => {
    const token = await signJwt(claims, SECRET);
    // A token without a session epoch (issued before epochs existed) reads as epoch 0.
    expect(await verifyJwt(token, SECRET, NOW + 1)).toEqual({ ...claims, ep: 0 });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ ...claims, iss: JWT_ISSUER, aud: JWT_AUDIENCE });
  });

  it('carries the session epoch, and refuses one that is not an integer', async () => {
    expect(await verifyJwt(await signJwt({ ...claims, ep: 7 }, SECRET), SECRET, NOW)).toEqual({ ...claims, ep: 7 });
    const key = new TextEncoder().encode(SECRET);
    const odd = await new SignJWT({ tid: claims.tid, role: 'admin', typ: 'access', ep: '7' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('42')
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 900)
      .sign(key);
    expect(await verifyJwt(odd, SECRET, NOW)).toBeNull();
  });

  it('refuses junk appended to the token', async () => {
    const token = await signJwt(claims, SECRET);
    for (const junk of ['=', '==', '!', ' ', '.', 'A', '%3D', '\n']) {
      expect(await verifyJwt(`${token}${junk}`, SECRET, NOW), JSON.stringify(junk)).toBeNull();
    }
    expect(await verifyJwt(` ${token}`, SECRET, NOW)).toBeNull();
    expect(await verifyJwt(`${token}.${token.split('.')[2]}`, SECRET, NOW)).toBeNull();
  });

  it('refuses a non-canonical spelling of the same signature', async () => {
    const token = await signJwt(claims, SECRET);
    const last = token.at(-1)!;
    // Flipping only the unused low bits of the final character decodes to the same 32 bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const i = alphabet.indexOf(last);
    const twin = alphabet[(i & ~3) | ((i + 1) & 3)]!;
    const forged = token.slice(0, -1) + twin;
    expect(Buffer.from(forged.split('.')[2]!, 'base64url')).toEqual(Buffer.from(token.split('.')[2]!, 'base64url'));
    expect(await verifyJwt(forged, SECRET, NOW)).toBeNull();
  });

  it('refuses a tampered payload or header', async () => {
    const [h, , s] = (await signJwt(claims, SECRET)).split('.');
    expect(await verifyJwt(`${h}.${b64({ ...claims, role: 'owner', iss: JWT_ISSUER, aud: JWT_AUDIENCE })}.${s}`, SECRET, NOW)).toBeNull();
  });

  it('refuses another secret', async () => {
    const token = await signJwt(claims, 'another-secret-that-is-long-enough-9876543210');
    expect(await verifyJwt(token, SECRET, NOW)).toBeNull();
    // Verified once under its own secret (and so remembered), it is still refused under another.
    expect(await verifyJwt(token, 'another-secret-that-is-long-enough-9876543210', NOW)).not.toBeNull();
    expect(await verifyJwt(token, SECRET, NOW)).toBeNull();
  });

  it('refuses alg none', async () => {
    const payload = { ...claims, iss: JWT_ISSUER, aud: JWT_AUDIENCE };
    const unsecured = new UnsecuredJWT(payload).encode();
    expect(await verifyJwt(unsecured, SECRET, NOW)).toBeNull();
    // The hand-made variants: an empty signature, and a header saying none with a valid-looking MAC.
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}`;
    expect(await verifyJwt(`${none}.`, SECRET, NOW)).toBeNull();
    expect(await verifyJwt(`${none}.${createHmac('sha256', SECRET).update(none).digest('base64url')}`, SECRET, NOW)).toBeNull();
  });

  it('refuses an RS256 token, and an HS256 MAC under an RS256 header', async () => {
    const payload = { ...claims, iss: JWT_ISSUER, aud: JWT_AUDIENCE };
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const rs = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
    expect(await verifyJwt(rs, SECRET, NOW)).toBeNull();
    // Algorithm confusion: the public key (as text) used as an HMAC secret under an RS256 header.
    const pub = JSON.stringify(await exportJWK(publicKey));
    const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}`;
    expect(await verifyJwt(`${body}.${createHmac('sha256', pub).update(body).digest('base64url')}`, pub, NOW)).toBeNull();
    const hs512 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS512', typ: 'JWT' }).sign(new TextEncoder().encode(SECRET));
    expect(await verifyJwt(hs512, SECRET, NOW)).toBeNull();
  });

  it('refuses an expired token, and accepts it up to its last second', async () => {
    const token = await signJwt(claims, SECRET);
    expect(await verifyJwt(token, SECRET, claims.exp - 1)).not.toBeNull();
    expect(await verifyJwt(token, SECRET, claims.exp)).toBeNull();
    expect(await verifyJwt(token, SECRET, claims.exp + 3600)).toBeNull();
  });

  it('refuses a token whose typ is not access', async () => {
    const key = new TextEncoder().encode(SECRET);
    for (const typ of ['refresh', 'ACCESS', undefined]) {
      const t = await new SignJWT({ tid: claims.tid, role: claims.role, ...(typ ? { typ } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('42')
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setIssuedAt(NOW)
        .setExpirationTime(NOW + 60)
        .sign(key);
      expect(await verifyJwt(t, SECRET, NOW), String(typ)).toBeNull();
    }
  });

  it('refuses another issuer or audience, and a token without them (the old hand-made format)', async () => {
    const key = new TextEncoder().encode(SECRET);
    const make = (iss?: string, aud?: string) => {
      let j = new SignJWT({ tid: claims.tid, role: claims.role, typ: 'access' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('42')
        .setIssuedAt(NOW)
        .setExpirationTime(NOW + 60);
      if (iss) j = j.setIssuer(iss);
      if (aud) j = j.setAudience(aud);
      return j.sign(key);
    };
    expect(await verifyJwt(await make('someone-else', JWT_AUDIENCE), SECRET, NOW)).toBeNull();
    expect(await verifyJwt(await make(JWT_ISSUER, 'someone-else'), SECRET, NOW)).toBeNull();
    expect(await verifyJwt(await make(), SECRET, NOW)).toBeNull();
    expect(await verifyJwt(await make(JWT_ISSUER, JWT_AUDIENCE), SECRET, NOW)).not.toBeNull();
  });

  it('refuses garbage', async () => {
    for (const t of ['', 'a.b.c', 'not a token', '..', `${'a'.repeat(10)}.${'b'.repeat(10)}.${'c'.repeat(43)}`]) {
      expect(await verifyJwt(t, SECRET, NOW)).toBeNull();
    }
  });
});
