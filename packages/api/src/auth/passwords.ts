import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { DomainError } from '@crm/domain';

/**
 * Password hashing: scrypt at one of OWASP's recommended costs (N=2^15, r=8, p=3: 32 MiB and a few
 * hundred milliseconds of one core per hash), stored as `scrypt$N$r$p$salt$hash` so the cost can
 * change without breaking old hashes: an old hash still verifies with its own parameters, and
 * `needsRehash` tells the login to store a new one.
 *
 * OWASP's Password Storage Cheat Sheet lists N=2^17 r=8 p=1 (128 MiB) and, as equally strong,
 * N=2^16 p=2, N=2^15 p=3, N=2^14 p=5 and N=2^13 p=10. Until issue 10 this used the first; memory
 * is what tells them apart, and with up to three hashes in flight it was the server's peak
 * resident size (a login or registration added 130-260 MB at once). At 2^15 with p=3 the CPU
 * cost per hash is three quarters of it, the memory a quarter.
 *
 * Every hash runs through a small gate (as many at once as there are cores, a bounded queue behind
 * them): scrypt runs on libuv's thread pool, and without a bound a login flood would take every pool
 * thread (file and DNS work waits behind them) and 32 MiB per hash in flight. When the queue is
 * full the caller is refused at once with `rate_limited` instead of waiting without end.
 */

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet: scrypt N=2^15 (32 MiB), r=8, p=3, as strong as its N=2^17, p=1. */
export const OWASP_SCRYPT: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 15, r: 8, p: 3 });
const KEY_LEN = 32;
const SALT_LEN = 16;

/** Longest password accepted, in UTF-8 bytes after NFKC normalisation; longer is refused before any hashing. */
export const MAX_PASSWORD_BYTES = 1024;

let cost: ScryptCost = costFromEnv() ?? { ...OWASP_SCRYPT };

/**
 * `SCRYPT_LOG2_N` lowers (or raises) N for the whole process. Meant for test suites, which hash
 * hundreds of passwords: production leaves it unset and gets OWASP_SCRYPT. Values below 2^14
 * (the old cost) are ignored outside tests.
 */
function costFromEnv(): ScryptCost | null {
  const raw = process.env.SCRYPT_LOG2_N;
  if (!raw) return null;
  const log2 = Number(raw);
  const floor = process.env.VITEST || process.env.NODE_ENV === 'test' ? 10 : 14;
  if (!Number.isInteger(log2) || log2 < floor || log2 > 20) return null;
  return { ...OWASP_SCRYPT, N: 2 ** log2 };
}

/** The cost new hashes get. */
export function passwordHashCost(): Readonly<ScryptCost> {
  return cost;
}

/** Changes the cost of new hashes (tests, or an operator tuning for a faster machine). */
export function setPasswordHashCost(next: ScryptCost): void {
  if (!validCost(next)) throw new Error(`invalid scrypt cost ${JSON.stringify(next)}`);
  cost = { ...next };
}

function validCost({ N, r, p }: ScryptCost): boolean {
  return (
    Number.isInteger(N) &&
    N >= 2 ** 10 &&
    N <= 2 ** 20 &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= 32 &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= 16
  );
}

// ---------------------------------------------------------------- the gate

export interface GateOptions {
  /** Hashes running at once. */
  concurrency: number;
  /** Callers waiting for a slot; one more is refused. */
  maxQueue: number;
}

/** A counting semaphore with a bounded queue: `run` refuses at once when the queue is full. */
export class HashGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly options: GateOptions) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.concurrency) {
      if (this.waiting.length >= this.options.maxQueue) {
        throw new DomainError('rate_limited', 'too_many_requests', 'the server is busy checking passwords; try again shortly', {
          retryAfterSeconds: 1,
        });
      }
      // The slot is handed over by the finishing run, so `running` never exceeds the bound.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

const CORES = Math.max(1, availableParallelism());
/** Libuv's pool has 4 threads by default: at most cores (and never all 4) go to hashing. */
const DEFAULT_GATE: GateOptions = { concurrency: Math.min(CORES, 3), maxQueue: 16 * Math.min(CORES, 3) };
let gate = new HashGate(DEFAULT_GATE);

/** Replaces the gate (tests; or a deployment that raised UV_THREADPOOL_SIZE). */
export function configureHashGate(options: GateOptions): HashGate {
  gate = new HashGate(options);
  return gate;
}

export function hashGate(): HashGate {
  return gate;
}

// ---------------------------------------------------------------- hashing

function scrypt(password: Buffer, salt: Buffer, len: number, c: ScryptCost): Promise<Buffer> {
  // Node refuses more than 32 MiB unless told: scrypt needs 128 * N * r bytes (plus 128 * r * p).
  const maxmem = 128 * c.N * c.r + 128 * c.r * c.p + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, len, { N: c.N, r: c.r, p: c.p, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * The bytes that are hashed: NFKC-normalised UTF-8, so the same password typed on another keyboard
 * or OS (composed or decomposed accents, full-width forms) still matches. Refuses absurd lengths
 * before any hashing.
 */
export function passwordBytes(password: string): Buffer {
  // Cheap bound before normalising: NFKC can expand a string, but never a 4x-oversized one into range.
  if (password.length > MAX_PASSWORD_BYTES * 4) throw tooLong();
  const bytes = Buffer.from(password.normalize('NFKC'), 'utf8');
  if (bytes.length > MAX_PASSWORD_BYTES) throw tooLong();
  return bytes;
}

const tooLong = () =>
  new DomainError('invalid', 'password_too_long', `passwords are limited to ${MAX_PASSWORD_BYTES} bytes (UTF-8)`, {
    maxBytes: MAX_PASSWORD_BYTES,
  });

export async function hashPassword(password: string): Promise<string> {
  const bytes = passwordBytes(password);
  const c = cost;
  const salt = randomBytes(SALT_LEN);
  const hash = await gate.run(() => scrypt(bytes, salt, KEY_LEN, c));
  return ['scrypt', c.N, c.r, c.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

interface Parsed extends ScryptCost {
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const hash = Buffer.from(parts[5]!, 'base64url');
  if (!validCost({ N, r, p }) || salt.length === 0 || hash.length < 16) return null;
  return { N, r, p, salt, hash };
}

/**
 * True if the password matches the stored hash. Hashes made before normalisation (the NFKC form
 * differs from what was typed) are tried with the bytes as typed too.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const bytes = passwordBytes(password);
  const parsed = parse(stored);
  if (!parsed) {
    // Unusable stored hash: spend the same time anyway, then refuse.
    await gate.run(() => scrypt(bytes, randomBytes(SALT_LEN), KEY_LEN, cost));
    return false;
  }
  if (await matches(bytes, parsed)) return true;
  const asTyped = Buffer.from(password, 'utf8');
  return !asTyped.equals(bytes) && (await matches(asTyped, parsed));
}

async function matches(bytes: Buffer, h: Parsed): Promise<boolean> {
  const actual = await gate.run(() => scrypt(bytes, h.salt, h.hash.length, h));
  return timingSafeEqual(actual, h.hash);
}

/** True if the stored hash was made with other parameters than new hashes get (the login then re-hashes). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.N !== cost.N || parsed.r !== cost.r || parsed.p !== cost.p || parsed.hash.length !== KEY_LEN;
}

/**
 * A well-formed hash at the current cost that matches no password: verified against when a user is
 * unknown, so a login takes one full-cost scrypt either way and timing does not reveal which emails exist.
 */
export function dummyPasswordHash(): string {
  return ['scrypt', cost.N, cost.r, cost.p, 'AAAAAAAAAAAAAAAAAAAAAA', 'A'.repeat(43)].join('$');
}

/** @deprecated use dummyPasswordHash(), which follows the configured cost. */
export const DUMMY_PASSWORD_HASH = dummyPasswordHash();
