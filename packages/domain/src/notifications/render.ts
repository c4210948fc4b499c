import { createHash } from 'node:crypto';
import type { Tx } from '@crm/db';
import type { NotificationSource } from './source.ts';

export interface InApp {
  title: string;
  body: string;
}

/**
 * How the engine renders a notification's in-app title and body. The templates module may give one
 * that reads the tenant's customised template; without it, the source's system template is used.
 */
export type InAppRenderer = (tx: Tx, tenantId: string, source: NotificationSource, variables: Record<string, string>) => Promise<InApp>;

/**
 * A notification's id, from what makes it unique: the event that fired it, the recipient and the
 * kind. A name-based UUID (version 5 layout over SHA-1), so a replay writes the same ids.
 */
export function notificationId(sourceEventId: string, userId: number, key: string): string {
  const h = createHash('sha1').update(`crm.notification\u0000${sourceEventId}\u0000${userId}\u0000${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
