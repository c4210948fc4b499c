import { randomUUID } from 'node:crypto';
import type { DomainError } from '@crm/domain';
import { type Principal, resolvePrincipal } from './auth/principal.ts';
import type { Services } from './services.ts';

export interface Context {
  services: Services;
  requestId: string;
  source: 'rest' | 'trpc' | 'cli' | 'system';
  principal: Principal | null;
  /** The caller's network address, for per-address limits (login throttling); null when unknown. */
  clientIp: string | null;
  /** Why a presented credential was refused; a public procedure ignores it, an authed one reports it. */
  authError: DomainError | null;
  /**
   * The same credential judged again, now: a subscription outlives the request that opened it, so
   * it asks before each item it sends (see `subscription` in trpc.ts). Absent where nothing outlives
   * the call.
   */
  reauthorize?: () => Promise<Context>;
}

export async function createContext(
  services: Services,
  opts: { authorization?: string | null; requestId?: string; source: Context['source']; clientIp?: string | null },
): Promise<Context> {
  const { principal, error } = await resolvePrincipal(services, opts.authorization);
  return {
    services,
    requestId: opts.requestId ?? randomUUID(),
    source: opts.source,
    principal,
    authError: error,
    clientIp: opts.clientIp ?? null,
    reauthorize: () => createContext(services, opts),
  };
}
