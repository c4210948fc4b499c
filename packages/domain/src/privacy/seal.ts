import { randomBytes } from 'node:crypto';
import { gcmOpen, gcmSeal } from '../shared/aes-gcm.ts';

// AES-256-GCM under one subject's key. The additional authenticated data names the tenant, the
// subject and the event type, so a sealed part copied onto another person's event (or another
// event type) does not open: it reads as unreadable, like an erased one.

const VERSION = 'v1';

export const newSubjectKey = (): Buffer => randomBytes(32);

/** `v1.<iv>.<tag>.<ciphertext>`, base64url: what the log stores in place of the personal part. */
export function seal(key: Buffer, aad: string, value: unknown): string {
  return gcmSeal(key, aad, JSON.stringify(value), VERSION);
}

/** The sealed value, or undefined when it cannot be opened (wrong key or subject, or tampering). */
export function open(key: Buffer, aad: string, sealed: string): unknown {
  const text = gcmOpen(key, aad, sealed, VERSION);
  // Only what seal() wrote authenticates, and that is always JSON.
  return text === null ? undefined : JSON.parse(text);
}
