import { isDeepStrictEqual } from 'node:util';
import type { DeclaredRoute } from '@crm/rest';

/** Which declared route answers a request, by method and path (fixed segments before parameters). */
export function routeFor(routes: readonly DeclaredRoute[], method: string, path: string): DeclaredRoute | undefined {
  const pathname = path.split('?')[0]!;
  const candidates = routes.filter((r) => r.method === method.toLowerCase() && pattern(r.path).test(pathname));
  // The most fixed segments wins, as it does when the routes are mounted.
  return candidates.sort((a, b) => fixed(b.path) - fixed(a.path))[0];
}

const patterns = new Map<string, RegExp>();
function pattern(path: string): RegExp {
  let re = patterns.get(path);
  if (!re) {
    re = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}/?$`);
    patterns.set(path, re);
  }
  return re;
}
const fixed = (path: string) => path.split('/').filter((s) => s && !s.startsWith('{')).length;

/**
 * Checks a successful JSON answer against the route's declared response schema, envelope included.
 * Zod drops keys a schema does not name, so the parsed value must also equal the body: a key the
 * declaration does not know fails as surely as a missing or mistyped one. Returns the problems.
 */
export function conformanceProblems(route: DeclaredRoute, status: number, body: unknown): string[] {
  if (status !== route.status && status !== route.otherStatus) {
    return [`${route.method.toUpperCase()} ${route.path} answered ${status}, declared ${route.status}`];
  }
  if (!('json' in route.response)) return [];
  if (status === 204) return body === undefined ? [] : [`${route.method.toUpperCase()} ${route.path}: a 204 has a body`];
  const parsed = route.face.okSchema(route.response.json).safeParse(body);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${route.method.toUpperCase()} ${route.path}: ${i.path.join('.') || 'body'}: ${i.message}`);
  }
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(parsed.data)), body)) {
    return [`${route.method.toUpperCase()} ${route.path}: the body has fields its declared schema does not name`];
  }
  return [];
}
