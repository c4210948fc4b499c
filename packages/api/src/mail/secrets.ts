import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// SMTP passwords at rest: AES-256-GCM under a key derived from the server secret with HKDF
// (info 'smtp-password'), so the JWT signing key itself never encrypts anything. The tenant id is
// the additional authenticated data: a ciphertext copied to another tenant's row does not decrypt.
// Changing JWT_SECRET makes stored passwords unreadable: each tenant admin then saves theirs again.

const VERSION = 'v1';

function keyOf(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, 'crm-platform', 'smtp-password', 32));
}

export function encryptSmtpPassword(serverSecret: string, tenantId: string, password: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(serverSecret), iv);
  cipher.setAAD(Buffer.from(tenantId));
  const ct = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** The password, or null when it cannot be decrypted (another server secret, or tampering). */
export function decryptSmtpPassword(serverSecret: string, tenantId: string, stored: string): string | null {
  const [version, iv, tag, ct] = stored.split('.');
  if (version !== VERSION || !iv || !tag || ct === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(serverSecret), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(tenantId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
