import { describe, expect, it } from 'vitest';
import { THROTTLE_POLICY, type ThrottleState, afterFailure, lockedError, normaliseAddress } from './throttle.ts';

const T0 = new Date('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const fresh: ThrottleState = { failures: 0, window_start: T0, lockouts: 0, locked_until: null, last_failure_at: T0 };

describe('throttle policy', () => {
  const rule = THROTTLE_POLICY.account;

  it('locks on the 5th failure within 15 minutes, for 1 minute', () => {
    let s = afterFailure(fresh, at(0), rule);
    for (let i = 1; i < 4; i++) s = afterFailure(s, at(i * 60), rule);
    expect(s).toMatchObject({ failures: 4, lockouts: 0, locked_until: null });
    s = afterFailure(s, at(14 * 60), rule);
    expect(s).toMatchObject({ failures: 0, lockouts: 1, locked_until: at(14 * 60 + 60) });
  });

  it('doubles each lock up to 15 minutes', () => {
    let s: ThrottleState = { ...fresh };
    const locks: number[] = [];
    let t = 0;
    for (let lock = 0; lock < 7; lock++) {
      for (let i = 0; i < rule.maxFailures; i++) s = afterFailure(s, at(++t), rule);
      locks.push((s.locked_until!.getTime() - at(t).getTime()) / 1000);
      t += 15 * 60;
    }
    expect(locks).toEqual([60, 120, 240, 480, 900, 900, 900]);
  });

  it('starts a new window after 15 minutes', () => {
    let s = afterFailure(fresh, at(0), rule);
    for (let i = 1; i < 4; i++) s = afterFailure(s, at(i), rule);
    s = afterFailure(s, at(rule.windowS), rule);
    expect(s).toMatchObject({ failures: 1, window_start: at(rule.windowS), locked_until: null });
  });

  it('forgets the lock history after a quiet day', () => {
    let s: ThrottleState = { ...fresh, lockouts: 4, last_failure_at: T0, locked_until: at(900) };
    s = afterFailure(s, at(THROTTLE_POLICY.forgetAfterS), rule);
    expect(s.lockouts).toBe(0);
  });

  it('locks an address after 50 failures, for 15 minutes', () => {
    let s: ThrottleState = { ...fresh };
    for (let i = 0; i < 49; i++) s = afterFailure(s, at(i), THROTTLE_POLICY.address);
    expect(s.locked_until).toBeNull();
    s = afterFailure(s, at(49), THROTTLE_POLICY.address);
    expect(s.locked_until).toEqual(at(49 + 900));
  });

  it('describes a lock as 429 with retryAfterSeconds', () => {
    expect(lockedError(42)).toMatchObject({ kind: 'rate_limited', code: 'too_many_attempts', details: { retryAfterSeconds: 42 } });
    expect(lockedError(0).details).toEqual({ retryAfterSeconds: 1 });
  });
});

describe('normaliseAddress', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and counts IPv6 by /64', () => {
    expect(normaliseAddress('203.0.113.9')).toBe('203.0.113.9');
    expect(normaliseAddress('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normaliseAddress('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001:0DB8:0001:0002::abcd')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
    expect(normaliseAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(normaliseAddress('::1')).toBe('0:0:0:0::/64');
    expect(normaliseAddress('not an address')).toBeNull();
    expect(normaliseAddress('')).toBeNull();
  });
});
