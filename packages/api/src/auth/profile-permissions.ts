import type { Services } from '../services.ts';
import { userCredentialState } from './credential-state.ts';

// A user's effective permissions are their role's and their active permission profile's. Both come
// from the per-request credential state (credential-state.ts), cached and cleared by the events
// (or by forgetCredentials, the one way to clear it by hand).

export async function profileGrantOf(
  services: Services,
  tenantId: string,
  userId: number,
): Promise<{ profileId: number | null; permissions: readonly string[] }> {
  const state = await userCredentialState(services, tenantId, userId);
  return { profileId: state?.profileId ?? null, permissions: state?.profilePermissions ?? [] };
}
