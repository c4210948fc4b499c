import { createHmac, timingSafeEqual } from 'node:crypto';

/** HS256 JWTs: the server is both issuer and audience, so a shared secret is enough. */
export interface AccessClaims {
  sub: string;
  tid: string;
  role: string;
  typ: 'access';
  iat: number;
  exp: number;
}

const b64 = (x: string | Buffer) => Buffer.from(x).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function signJwt(claims: object, secret: string): string {
  const body = `${HEADER}.${b64(JSON.stringify(claims))}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The claims if the signature holds and the token has not expired; otherwise null. */
export function verifyJwt(token: string, secret: string, nowS = Math.floor(Date.now() / 1000)): AccessClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return null;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as AccessClaims;
    if (claims.typ !== 'access' || typeof claims.exp !== 'number' || claims.exp <= nowS) return null;
    return claims;
  } catch {
    return null;
  }
}
