import { DomainError } from './errors.ts';

/**
 * For given/when/then tests of decide: the code of the DomainError a decision refuses with. A
 * decision that returns instead fails the test, and so does any other error (a bug, not a refusal).
 */
export function refusal(decision: () => unknown): string {
  try {
    decision();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
}
