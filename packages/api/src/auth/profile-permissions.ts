import type { Services } from '../services.ts';
import { forgetCredentials, userCredentialState } from './credential-state.ts';

// A user's effective permissions are their role's and their active permission profile's. Both come
// from the per-request credential state (credential-state.ts), cached and cleared by the events.

export async function profileGrantOf(
  services: Services,
  tenantId: string,
  userId: number,
): Promise<{ profileId: number | null; permissions: readonly string[] }> {
  const state = await userCredentialState(services, tenantId, userId);
  return { profileId: state?.profileId ?? null, permissions: state?.profilePermissions ?? [] };
}

/** Forget cached profile grants (after a profile or a user's profile changes in this process). */
export function forgetProfileGrants(): void {
  forgetCredentials();
}
