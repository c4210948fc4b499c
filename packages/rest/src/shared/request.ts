import { isStorableText, LIMITS } from '@crm/api';
import { DomainError } from '@crm/domain';
import type { Context as HonoContext } from 'hono';
import { type ZodError, z } from 'zod';
import type { RestEnv } from './env.ts';
import type { DeclaredRoute, Parsed } from './route.ts';

/** Deeper JSON is no request a client of ours sends, and walking it costs stack. */
const MAX_JSON_DEPTH = LIMITS.jsonDepth;

const empty = z.object({});

type Part = 'params' | 'query' | 'headers' | 'body';

function invalid(part: Part, error: ZodError): DomainError {
  const issues = error.issues.map((i) => ({ in: part, path: i.path.map(String).join('.'), message: i.message }));
  return new DomainError(
    'invalid',
    'validation_error',
    issues.map((i) => `${i.in}${i.path ? `.${i.path}` : ''}: ${i.message}`).join('; '),
    issues,
  );
}

async function parsePart<S extends z.ZodType>(part: Part, schema: S, value: unknown): Promise<z.output<S>> {
  const result = await schema.safeParseAsync(value);
  if (!result.success) throw invalid(part, result.error);
  return result.data;
}

/**
 * Text no schema should ever see: a NUL byte or a lone surrogate anywhere (keys included) is
 * refused for the whole request, so no field that forgot the rule can reach PostgreSQL with it.
 */
function checkJson(value: unknown, depth = 0): void {
  if (depth > MAX_JSON_DEPTH) throw new DomainError('invalid', 'json_too_deep', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (typeof value === 'string') {
    if (!isStorableText(value)) throw unstorable();
  } else if (Array.isArray(value)) {
    for (const v of value) checkJson(v, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorableText(k)) throw unstorable();
      checkJson(v, depth + 1);
    }
  }
}

const unstorable = () => new DomainError('invalid', 'invalid_text', 'text must not contain NUL bytes or unpaired surrogates');

/** The JSON body, or undefined when there is none. A body that is not JSON is the client's error. */
export async function readJsonBody(c: HonoContext<RestEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim())) {
    throw new DomainError('unsupported_media_type', 'unsupported_media_type', 'send the body as JSON with content-type: application/json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DomainError('invalid', 'invalid_json', 'the request body is not valid JSON');
  }
  checkJson(parsed);
  return parsed;
}

function checkText(part: Part, values: Record<string, string>): void {
  for (const [k, v] of Object.entries(values)) {
    if (!isStorableText(k) || !isStorableText(v))
      throw new DomainError('invalid', 'invalid_text', `${part} must not contain NUL bytes or unpaired surrogates`);
  }
}

/** Every part of the request, parsed by the route's own schemas; the first part that fails says why. */
export async function parseRequest(
  c: HonoContext<RestEnv>,
  route: DeclaredRoute,
): Promise<Parsed<z.ZodObject<z.ZodRawShape>, z.ZodObject<z.ZodRawShape>, z.ZodObject<z.ZodRawShape>, z.ZodType>> {
  const rawParams = c.req.param() as Record<string, string>;
  const rawQuery = c.req.query();
  checkText('params', rawParams);
  checkText('query', rawQuery);
  const params = await parsePart('params', route.params ?? empty, rawParams);
  const query = await parsePart('query', route.query ?? empty, rawQuery);
  const wanted = route.headers ? Object.keys(route.headers.shape) : [];
  const rawHeaders = Object.fromEntries(
    wanted.flatMap((name) => {
      const v = c.req.header(name);
      return v === undefined ? [] : [[name, v]];
    }),
  );
  checkText('headers', rawHeaders);
  const headers = await parsePart('headers', route.headers ?? empty, rawHeaders);
  const body = route.body ? await parsePart('body', route.body, await readJsonBody(c)) : undefined;
  // Hono keeps the text it read for readJsonBody, so this is the same body, byte for byte.
  if (route.rawBody) return { params, query, headers, body, text: await c.req.text() };
  return { params, query, headers, body };
}
