import type { DeclaredRoute } from '@crm/rest';
import type { Hono } from 'hono';

/** Paths of the server that are not documented REST routes, and why. */
export const INFRASTRUCTURE = new Set([
  'ALL /trpc/*', // the tRPC router itself, for internal clients
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/scalar.js',
  'GET /v1/ws/notifications', // a WebSocket (server.ts); a GET without the upgrade is told 426
]);

const key = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;

/** Routes the app serves that no declaration describes: each would escape every generated test. */
export function undeclaredRoutes(app: Hono<any>, routes: readonly DeclaredRoute[]): string[] {
  const declared = new Set(routes.map((r) => key(r.method, r.path)));
  return app.routes
    .filter((r) => !(r.method === 'ALL' && r.path === '/*')) // middleware
    .map((r) => `${r.method} ${r.path}`)
    .filter((k) => !declared.has(k) && !INFRASTRUCTURE.has(k));
}

/** What a declaration must state: who may call it, and what a success looks like. */
export function declarationProblems(routes: readonly DeclaredRoute[]): string[] {
  const problems: string[] = [];
  for (const r of routes) {
    const name = `${r.method.toUpperCase()} ${r.path}`;
    const access = r.contract?.access as { public?: boolean; permission?: unknown } | undefined;
    if (!access || (access.public !== true && (typeof access.permission !== 'string' || access.permission === ''))) {
      problems.push(`${name}: declares neither public access nor a permission`);
    }
    if (!r.response || ('json' in r.response ? !r.response.json : !r.response.contentType))
      problems.push(`${name}: declares no response schema`);
    if (!r.summary) problems.push(`${name}: has no summary`);
  }
  return problems;
}

/** Every 2xx of every operation must describe its body. */
export function undescribedAnswers(spec: { paths: Record<string, Record<string, any>> }): string[] {
  const problems: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        if (!status.startsWith('2') || status === '204') continue;
        const content = (res as { content?: Record<string, { schema?: unknown }> }).content ?? {};
        const schemas = Object.values(content).map((c) => c.schema);
        if (schemas.length === 0 || schemas.some((s) => !s || (typeof s === 'object' && Object.keys(s).length === 0))) {
          problems.push(`${method.toUpperCase()} ${path} ${status}: no response schema`);
        }
      }
    }
  }
  return problems;
}
