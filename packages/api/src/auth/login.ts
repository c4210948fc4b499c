import { inSystem, inTenant } from '@crm/db';
import { DomainError, identity } from '@crm/domain';
import { tenantDto, userDto } from '../routers/identity.ts';
import type { Services } from '../services.ts';
import { dummyPasswordHash, hashPassword, needsRehash, passwordBytes, verifyPassword } from './passwords.ts';
import { tenantSuspended } from './principal.ts';
import { issueTokens } from './refresh.ts';
import { loginGuard, recordLoginFailure, recordLoginSuccess } from './throttle.ts';

export interface LoginInput {
  email: string;
  password: string;
  tenantSlug: string;
  /** The client's address (for per-address throttling); null when unknown. */
  ip?: string | null | undefined;
}

const invalidCredentials = () => new DomainError('unauthorized', 'invalid_credentials', 'email, password or tenant is wrong');

/**
 * The whole login: throttle, tenant and user lookup, password check, tokens.
 *
 * - An unknown tenant, an unknown user and a wrong password answer alike (401
 *   `invalid_credentials`), take one full-cost scrypt each (the unknown ones against a dummy hash)
 *   and count as a failure of that (slug, email) the same way.
 * - While the account or the address is locked: 429 `too_many_attempts`, details.retryAfterSeconds,
 *   before any hashing (a correct password is refused too until the lock ends).
 * - A password over 1024 UTF-8 bytes: 400 `password_too_long`, before any hashing.
 * - A hash made with older parameters is replaced by one at today's cost once the password is known good.
 */
export async function login(services: Services, input: LoginInput) {
  const email = input.email.trim().toLowerCase();
  const slug = input.tenantSlug.trim().toLowerCase();
  const attempt = { slug, email, ip: input.ip };
  passwordBytes(input.password); // length check, before the database and before any hashing
  await loginGuard(services, attempt);

  const tenant = await inSystem(services.db, (tx) => identity.findTenantBySlug(tx, slug));
  const user = tenant ? await inTenant(services.db, tenant.id, (tx) => identity.findUserByEmail(tx, tenant.id, email)) : undefined;
  const stored = user?.password_hash ?? null;
  // Verify even when there is no user, so the answer takes as long either way.
  const ok = await verifyPassword(input.password, stored ?? dummyPasswordHash());
  if (!tenant || !user || !stored || !ok) {
    await recordLoginFailure(services, attempt);
    throw invalidCredentials();
  }
  await recordLoginSuccess(services, attempt);
  // Only once the password is known good: a suspended tenant says so to its own users alone.
  if (tenant.status === 'suspended') throw tenantSuspended();
  if (user.status !== 'active') throw new DomainError('forbidden', 'user_inactive', 'this user is deactivated');

  if (needsRehash(stored)) await upgradeHash(services, tenant.id, user.id, stored, input.password);

  const tokens = await issueTokens(services, tenant.id, user);
  return { ...tokens, tokenType: 'Bearer' as const, user: userDto(user), tenant: tenantDto(tenant, services.clock.now()) };
}

/**
 * Stores a hash at today's cost. Only replaces the hash it verified (a password changed meanwhile
 * wins); a failure here (a busy hash gate) leaves the old hash for the next login, not a failed login.
 */
async function upgradeHash(services: Services, tenantId: string, userId: number, stored: string, password: string): Promise<void> {
  try {
    const next = await hashPassword(password);
    await inTenant(services.db, tenantId, (tx) =>
      tx
        .updateTable('user_credentials')
        .set({ password_hash: next, updated_at: services.clock.now() })
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('password_hash', '=', stored)
        .execute(),
    );
  } catch (error) {
    services.log.warn('password rehash skipped', { tenantId, userId, reason: (error as Error).message });
  }
}
