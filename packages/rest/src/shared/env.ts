import type { Services } from '@crm/api';

/** Variables every REST handler can read from Hono's context. */
export type RestEnv = { Variables: { requestId: string; services: Services; clientIp: string | null } };
