import { hkdfSync } from 'node:crypto';
import { gcmOpen, gcmSeal } from '@crm/domain';

// SMTP passwords at rest: AES-256-GCM under a key derived from the server secret with HKDF
// (info 'smtp-password'), so the JWT signing key itself never encrypts anything. The tenant id is
// the additional authenticated data: a ciphertext copied to another tenant's row does not decrypt.
// Changing JWT_SECRET makes stored passwords unreadable: each tenant admin then saves theirs again.

const VERSION = 'v1';

function keyOf(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, 'crm-platform', 'smtp-password', 32));
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url. */
export function encryptSmtpPassword(serverSecret: string, tenantId: string, password: string): string {
  return gcmSeal(keyOf(serverSecret), tenantId, password, VERSION);
}

/** The password, or null when it cannot be decrypted (another server secret, or tampering). */
export function decryptSmtpPassword(serverSecret: string, tenantId: string, stored: string): string | null {
  return gcmOpen(keyOf(serverSecret), tenantId, stored, VERSION);
}
