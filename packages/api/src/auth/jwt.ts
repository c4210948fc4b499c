import { SignJWT, jwtVerify } from 'jose';

/**
 * Access tokens: HS256 JWTs signed and checked by `jose`. The server is both issuer and audience,
 * so a shared secret is enough; the issuer and audience claims still pin a token to this service,
 * so a token minted by another system that happens to share the secret is refused.
 */
export interface AccessClaims {
  sub: string;
  tid: string;
  role: string;
  typ: 'access';
  iat: number;
  exp: number;
  /**
   * The user's session epoch when the token was issued: a password change, logout-all or
   * deactivation moves the epoch on and ends the token. Absent in older tokens: read as 0.
   */
  ep?: number;
}

export const JWT_ISSUER = 'crm-platform';
export const JWT_AUDIENCE = 'crm-platform';
const ALG = 'HS256';

// HS256 over a 32-byte HMAC: three base64url parts, no padding; the signature exactly 43 characters.
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

const keys = new Map<string, Uint8Array>();
function keyOf(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    if (keys.size > 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

export async function signJwt(claims: AccessClaims, secret: string): Promise<string> {
  const { sub, tid, role, typ, iat, exp, ep } = claims;
  return new SignJWT({ tid, role, typ, ...(ep !== undefined ? { ep } : {}) })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keyOf(secret));
}

/**
 * The claims if the token is a well-formed HS256 access token of this service, signed with this
 * secret and not expired at `nowS`; otherwise null. Anything else (junk appended to any part,
 * another algorithm, `alg: none`, another issuer or audience, a refresh or other token type) is refused.
 */
export async function verifyJwt(
  token: string,
  secret: string,
  nowS = Math.floor(Date.now() / 1000),
): Promise<(AccessClaims & { ep: number }) | null> {
  // A token already verified with this secret needs only its expiry checked again: the HMAC over
  // the same bytes cannot change. jose's WebCrypto HMAC was 12% of the server's CPU under the
  // create-deal load (issue 10's profile); most requests repeat a token seen moments ago.
  const seen = verified.get(token);
  if (seen && seen.secret === secret) return seen.claims.exp > nowS ? seen.claims : null;
  const claims = await verifyFresh(token, secret, nowS);
  if (claims) {
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(token, { secret, claims });
  }
  return claims;
}

/**
 * Tokens this process has verified, by their exact text. Only valid tokens enter (a forger cannot
 * fill it), revocation is not its concern (the credential state decides that per request), and it is
 * bounded: at the limit it starts again, which costs one HMAC per live token.
 */
const verified = new Map<string, { secret: string; claims: AccessClaims & { ep: number } }>();
const VERIFIED_MAX = 20_000;

async function verifyFresh(token: string, secret: string, nowS: number): Promise<(AccessClaims & { ep: number }) | null> {
  // Strict shape first: base64url decoders forgive padding and stray characters, a token must not.
  if (!COMPACT.test(token)) return null;
  const signature = token.slice(token.lastIndexOf('.') + 1);
  // The last character of 43 carries 2 unused bits: only the canonical spelling of the MAC is accepted.
  if (Buffer.from(signature, 'base64url').toString('base64url') !== signature) return null;
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: [ALG],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      typ: 'JWT',
      currentDate: new Date(nowS * 1000),
      requiredClaims: ['sub', 'iat', 'exp'],
    });
    const { sub, tid, role, typ, iat, exp, ep } = payload as Record<string, unknown>;
    if (typ !== 'access' || typeof sub !== 'string' || typeof tid !== 'string' || typeof role !== 'string') return null;
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= nowS) return null;
    if (ep !== undefined && !Number.isSafeInteger(ep)) return null;
    return { sub, tid, role, typ, iat, exp, ep: (ep as number | undefined) ?? 0 };
  } catch {
    return null;
  }
}
