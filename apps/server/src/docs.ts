import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { Scalar } from '@scalar/hono-api-reference';
import type { Env, Hono } from 'hono';

/** Where the page loads Scalar's browser bundle from: this server, never a CDN. */
export const SCALAR_BUNDLE_PATH = '/docs/scalar.js';

interface Bundle {
  body: Uint8Array<ArrayBuffer>;
  gzipped?: Uint8Array<ArrayBuffer>;
  etag: string;
}

let bundle: Bundle | undefined;

/**
 * The standalone browser build of @scalar/api-reference (the file the CDN would serve), found
 * through the package's own exports and read once per process: every app built here shares it.
 */
function scalarBundle(): Bundle {
  if (!bundle) {
    const file = createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');
    const body = new Uint8Array(readFileSync(file));
    bundle = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
  }
  return bundle;
}

/**
 * GET /docs: the Scalar reference for the OpenAPI document at `specUrl`, working with no internet.
 * The script comes from GET /docs/scalar.js on this server; the URL carries the bundle's hash, so
 * it can be cached for a year and an upgrade of the package still reaches browsers. Everything in
 * Scalar that would reach its own hosts on load is off: the web fonts (fonts.scalar.com; the page
 * falls back to system fonts), telemetry, the agent, the developer toolbar, the "open in client" link.
 */
export function mountDocs<E extends Env>(app: Hono<E>, options: { specUrl: string; pageTitle?: string }): void {
  const script = scalarBundle();

  app.get(SCALAR_BUNDLE_PATH, (c) => {
    c.header('content-type', 'text/javascript; charset=utf-8');
    c.header('cache-control', 'public, max-age=31536000, immutable');
    c.header('x-content-type-options', 'nosniff');
    c.header('etag', script.etag);
    c.header('vary', 'accept-encoding');
    if (c.req.header('if-none-match') === script.etag) return c.body(null, 304);
    // 3.5 MB as is, about 1 MB gzipped: compressed on the first request that accepts it, then kept.
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      script.gzipped ??= new Uint8Array(gzipSync(script.body));
      c.header('content-encoding', 'gzip');
      return c.body(script.gzipped);
    }
    return c.body(script.body);
  });

  app.get(
    '/docs',
    Scalar<E>({
      url: options.specUrl,
      pageTitle: options.pageTitle ?? 'CRM platform API',
      cdn: `${SCALAR_BUNDLE_PATH}?v=${script.etag.slice(1, 13)}`,
      withDefaultFonts: false,
      telemetry: false,
      showDeveloperTools: 'never',
      hideClientButton: true,
      agent: { disabled: true },
    }),
  );
}
