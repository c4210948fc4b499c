import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// The one AES-256-GCM in the code base (personal data under subject keys, SMTP passwords, a
// refresh's grace pair), so the nonce, the tag check and the text form are decided once. Each
// caller keeps its own key, additional authenticated data and prefix: the text it stores is
// `<prefix>.<iv>.<tag>.<ciphertext>` (base64url parts), or without the prefix where none is given,
// exactly as each wrote it before this module existed.

/** `text` encrypted under a 32-byte key, bound to `aad`: `[<prefix>.]<iv>.<tag>.<ciphertext>`. */
export function gcmSeal(key: Buffer, aad: string, text: string, prefix?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url'));
  return (prefix === undefined ? parts : [prefix, ...parts]).join('.');
}

/**
 * The text gcmSeal sealed, or null when it does not open: another prefix, a malformed value, the
 * wrong key or aad, or tampering (GCM's tag check fails, and that is not an error to the caller).
 */
export function gcmOpen(key: Buffer, aad: string, sealed: string, prefix?: string): string | null {
  const parts = sealed.split('.');
  if (prefix !== undefined && parts.shift() !== prefix) return null;
  const [iv, tag, ct] = parts;
  if (!iv || !tag || ct === undefined) return null;
  try {
    // A tag shorter than the 16 bytes gcmSeal writes is refused, not checked on fewer bits.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
