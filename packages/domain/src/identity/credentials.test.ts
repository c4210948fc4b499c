import { describe, expect, it } from 'vitest';
import { decideResetRequest, RESET_REQUEST_LIMIT, tokenProblem } from './credentials.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

describe('password reset requests (5 an hour per account)', () => {
  it('accepts five in a window and refuses the sixth with the seconds until the window ends', () => {
    let row = null as { requests: number; window_start: Date } | null;
    for (let i = 0; i < RESET_REQUEST_LIMIT.requests; i++) {
      const d = decideResetRequest(row, at(i * 60));
      expect(d.accepted).toBe(true);
      if (d.accepted) row = d.next;
    }
    expect(row).toEqual({ requests: 5, window_start: at(0) });
    expect(decideResetRequest(row, at(600))).toEqual({ accepted: false, retryAfterSeconds: 3000 });
    expect(decideResetRequest(row, at(3599.5))).toEqual({ accepted: false, retryAfterSeconds: 1 });
  });

  it('starts a fresh window once the hour is over', () => {
    const full = { requests: 5, window_start: at(0) };
    expect(decideResetRequest(full, at(3600))).toEqual({ accepted: true, next: { requests: 1, window_start: at(3600) } });
  });

  it('counts a request whose clock reads before the window opened (a concurrent one got the lock first) in that window', () => {
    expect(decideResetRequest({ requests: 5, window_start: at(0) }, at(-1))).toEqual({ accepted: false, retryAfterSeconds: 3600 });
    expect(decideResetRequest({ requests: 2, window_start: at(0) }, at(-1))).toEqual({
      accepted: true,
      next: { requests: 3, window_start: at(0) },
    });
  });
});

describe('mailed tokens', () => {
  it('may be used once, before they expire', () => {
    const row = { used_at: null, expires_at: at(3600) };
    expect(tokenProblem(row, at(10))).toBeNull();
    expect(tokenProblem(row, at(3600))).toBe('expired');
    expect(tokenProblem({ ...row, used_at: at(5) }, at(10))).toBe('used');
    expect(tokenProblem(undefined, at(10))).toBe('unknown');
  });
});
