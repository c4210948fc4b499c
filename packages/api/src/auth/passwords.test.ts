import { randomBytes, scryptSync } from 'node:crypto';
import { DomainError } from '@crm/domain';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  HashGate,
  MAX_PASSWORD_BYTES,
  OWASP_SCRYPT,
  configureHashGate,
  dummyPasswordHash,
  hashGate,
  hashPassword,
  needsRehash,
  passwordHashCost,
  setPasswordHashCost,
  verifyPassword,
} from './passwords.ts';

/** A hash in the format (and at the cost) the code before this change wrote: scrypt N=2^14, password as typed. */
function legacyHash(password: string, N = 16384): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
  return ['scrypt', N, 8, 1, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  const initialCost = passwordHashCost();
  const initialGate = hashGate().options;
  afterEach(() => {
    setPasswordHashCost(FAST);
    configureHashGate(initialGate);
  });
  afterAll(() => setPasswordHashCost(initialCost));

  it("hashes at OWASP's scrypt cost by default (N=2^15, r=8, p=3: 32 MiB), and verifies", async () => {
    setPasswordHashCost(OWASP_SCRYPT);
    expect(OWASP_SCRYPT).toEqual({ N: 32768, r: 8, p: 3 });
    const started = performance.now();
    const stored = await hashPassword('Correct-Horse-Battery-9');
    const ms = performance.now() - started;
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword('Correct-Horse-Battery-9', stored)).toBe(true);
    expect(await verifyPassword('correct-horse-battery-9', stored)).toBe(false);
    console.info(`scrypt N=2^15 r=8 p=3: ${ms.toFixed(0)} ms for one hash on this machine`);
  }, 60_000);

  it('still verifies a hash made at the earlier cost (N=2^17, r=8, p=1, 128 MiB), and says it needs a rehash', async () => {
    setPasswordHashCost(OWASP_SCRYPT);
    const earlier = legacyHash('Correct-Horse-Battery-9', 2 ** 17);
    expect(earlier.startsWith('scrypt$131072$8$1$')).toBe(true);
    expect(await verifyPassword('Correct-Horse-Battery-9', earlier)).toBe(true);
    expect(await verifyPassword('Correct-Horse-Battery-8', earlier)).toBe(false);
    expect(needsRehash(earlier)).toBe(true);
  }, 60_000);

  describe('at a test cost', () => {
    beforeAll(() => setPasswordHashCost(FAST));

    it('salts every hash', async () => {
      const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
      expect(a).not.toBe(b);
      expect(await verifyPassword('same password', a)).toBe(true);
      expect(await verifyPassword('same password', b)).toBe(true);
    });

    it('still verifies old scrypt$16384$... hashes, and says they need a rehash', async () => {
      setPasswordHashCost(OWASP_SCRYPT);
      const old = legacyHash('an old password');
      expect(old.startsWith('scrypt$16384$8$1$')).toBe(true);
      expect(await verifyPassword('an old password', old)).toBe(true);
      expect(await verifyPassword('another password', old)).toBe(false);
      expect(needsRehash(old)).toBe(true);
      expect(needsRehash(dummyPasswordHash())).toBe(false);
      expect(needsRehash('garbage')).toBe(true);
    }, 30_000);

    it('accepts long and Unicode passwords, normalised (NFKC) so composed and decomposed forms match', async () => {
      const composed = 'pässwörd-日本語-🔑';
      const decomposed = composed.normalize('NFD');
      expect(decomposed).not.toBe(composed);
      const stored = await hashPassword(composed);
      expect(await verifyPassword(decomposed, stored)).toBe(true);
      expect(await verifyPassword('passwörd-日本語-🔑', stored)).toBe(false);
      // Full-width letters are the same password under NFKC.
      expect(await verifyPassword('ｐａｓｓ', await hashPassword('pass'))).toBe(true);

      const longest = 'x'.repeat(MAX_PASSWORD_BYTES);
      expect(await verifyPassword(longest, await hashPassword(longest))).toBe(true);
      const emoji = '😀'.repeat(MAX_PASSWORD_BYTES / 4); // 4 bytes each: exactly the limit
      expect(await verifyPassword(emoji, await hashPassword(emoji))).toBe(true);
    });

    it('still verifies an old hash of a password typed in a non-normalised form', async () => {
      const typed = 'cafe\u0301-ｐａｓｓ'; // decomposed accent and full-width letters, hashed as typed by the old code
      const old = legacyHash(typed, 1024);
      expect(await verifyPassword(typed, old)).toBe(true);
      expect(await verifyPassword('wrong', old)).toBe(false);
    });

    it('refuses absurd lengths before hashing anything', async () => {
      const gate = configureHashGate({ concurrency: 2, maxQueue: 4 });
      const run = vi.spyOn(gate, 'run');
      const stored = await hashPassword('short one');
      run.mockClear();
      for (const pw of ['x'.repeat(MAX_PASSWORD_BYTES + 1), 'é'.repeat(MAX_PASSWORD_BYTES / 2 + 1), 'y'.repeat(10_000_000)]) {
        const refusals = [hashPassword(pw), verifyPassword(pw, stored)];
        for (const r of refusals) {
          await expect(r).rejects.toBeInstanceOf(DomainError);
          await expect(r).rejects.toMatchObject({ kind: 'invalid', code: 'password_too_long', details: { maxBytes: MAX_PASSWORD_BYTES } });
        }
      }
      expect(run).not.toHaveBeenCalled();
    });

    it('treats a malformed stored hash as no match', async () => {
      for (const stored of [
        '',
        'plain',
        'bcrypt$2b$10$abc',
        'scrypt$3$8$1$AAAA$AAAA',
        'scrypt$16384$8$1$$',
        'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA',
      ]) {
        expect(await verifyPassword('anything', stored)).toBe(false);
      }
    });

    it('matches no password with the dummy hash, at the configured cost', async () => {
      expect(dummyPasswordHash().startsWith(`scrypt$${FAST.N}$8$1$`)).toBe(true);
      expect(await verifyPassword('', dummyPasswordHash())).toBe(false);
      expect(await verifyPassword('AAAA', dummyPasswordHash())).toBe(false);
    });

    it('bounds concurrent hashes and refuses with rate_limited when the queue is full', async () => {
      const gate = configureHashGate({ concurrency: 1, maxQueue: 1 });
      const first = hashPassword('one password');
      const second = hashPassword('two password');
      const third = hashPassword('three password');
      await expect(third).rejects.toMatchObject({ kind: 'rate_limited', code: 'too_many_requests', details: { retryAfterSeconds: 1 } });
      expect(gate.active).toBe(1);
      expect(gate.queued).toBe(1);
      await Promise.all([first, second]);
      expect(gate.active).toBe(0);
      expect(gate.queued).toBe(0);
    });
  });
});

describe('HashGate', () => {
  it('never runs more than its concurrency, serves waiters in order, and frees slots on failure', async () => {
    const gate = new HashGate({ concurrency: 2, maxQueue: 3 });
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const job = (i: number, fail = false) =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise<void>((r) => releases.push(r));
        running--;
        if (fail) throw new Error(`job ${i} failed`);
        return i;
      });
    const settled = Promise.allSettled([job(1, true), job(2), job(3), job(4), job(5)]);
    const refused = job(6);
    await expect(refused).rejects.toMatchObject({ code: 'too_many_requests' });
    expect(gate.active).toBe(2);
    expect(gate.queued).toBe(3);
    while (order.length < 5 || releases.length) {
      await new Promise((r) => setTimeout(r, 1));
      releases.shift()?.();
    }
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(gate.active).toBe(0);
    expect(await gate.run(async () => 'free again')).toBe('free again');
  });
});
