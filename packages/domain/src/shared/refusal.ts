import { DomainError } from './errors.ts';

/** The DomainError a decision refuses with; a decision that returns, or throws anything else, fails the test. */
function refusedWith(decision: () => unknown): DomainError {
  try {
    decision();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/**
 * For given/when/then tests of decide: the code of the DomainError a decision refuses with. A
 * decision that returns instead fails the test, and so does any other error (a bug, not a refusal).
 */
export function refusal(decision: () => unknown): string {
  return refusedWith(decision).code;
}

/** As `refusal`, with the error's kind before its code (`conflict:last_admin`), for tests that pin both. */
export function refusalKind(decision: () => unknown): string {
  const e = refusedWith(decision);
  return `${e.kind}:${e.code}`;
}
