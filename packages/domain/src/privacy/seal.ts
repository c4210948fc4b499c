import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// AES-256-GCM under one subject's key. The additional authenticated data names the tenant, the
// subject and the event type, so a sealed part copied onto another person's event (or another
// event type) does not open: it reads as unreadable, like an erased one.

const VERSION = 'v1';

export const newSubjectKey = (): Buffer => randomBytes(32);

/** `v1.<iv>.<tag>.<ciphertext>`, base64url: what the log stores in place of the personal part. */
export function seal(key: Buffer, aad: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** The sealed value, or undefined when it cannot be opened (wrong key or subject, or tampering). */
export function open(key: Buffer, aad: string, sealed: string): unknown {
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ct === undefined) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8'));
  } catch {
    return undefined;
  }
}
