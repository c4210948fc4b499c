import { createHash, randomBytes } from 'node:crypto';

/** API keys: `cdb_` + 256 random bits. Shown once; only the SHA-256 is stored (high entropy needs no slow hash). */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `cdb_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: sha256(key) };
}

/** Refresh tokens: opaque, 256 random bits, stored hashed, rotated on every use. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = `rt_${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
