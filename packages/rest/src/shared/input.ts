import { DomainError } from '@crm/domain';
import type { Context as HonoContext } from 'hono';
import type { RestEnv } from './env.ts';

/** The JSON body, {} when there is none; a body that is not JSON is the client's error, not ours. */
export async function jsonBody(c: HonoContext<RestEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DomainError('invalid', 'invalid_json', 'the request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DomainError('invalid', 'invalid_body', 'the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Query-string numbers: absent stays undefined, anything else must parse (the router validates ranges). */
export function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new DomainError('invalid', 'validation_error', `"${v}" is not a number`);
  return n;
}

/** If-Match: "3" or W/"3" pins the version a write was decided against. */
export function ifMatch(c: HonoContext<RestEnv>): number | undefined {
  const h = c.req.header('if-match');
  if (!h) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(h.trim());
  if (!m) throw new DomainError('invalid', 'invalid_if_match', 'If-Match must be a version number, e.g. "3"');
  return Number(m[1]);
}

/** A path parameter; handlers are typed without their path, so read it through here. */
export function param(c: HonoContext<RestEnv>, name: string): string {
  return c.req.param(name) ?? '';
}
