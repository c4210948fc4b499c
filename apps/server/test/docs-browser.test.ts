import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import { startTestApp, type TestApp } from '../src/testing.ts';

// The docs page must work on an air-gapped install: Scalar's script comes from this server, and
// the page asks no other host for anything. Debian's chromium proves it; without one the browser
// part is skipped on a developer's machine and fails in CI (CI=1), where .ci/run installs it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const LOCAL_HOST = '127.0.0.1';

describe('GET /docs/scalar.js', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('is Scalar’s browser bundle from the package, cacheable for a year, gzipped when asked', async () => {
    const page = await (await t.app.request('/docs')).text();
    const src = /<script src="([^"]+)"><\/script>/.exec(page)?.[1];
    expect(src).toMatch(/^\/docs\/scalar\.js\?v=[\w-]+$/);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing loads from another host

    const plain = await t.app.request(src!);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = await plain.text();
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(body).toContain('createApiReference');

    const zipped = await t.app.request(src!, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(Number((await zipped.arrayBuffer()).byteLength)).toBeLessThan(body.length / 2);

    const etag = plain.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await t.app.request(src!, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });
});

it.runIf(!haveChromium && process.env.CI)('has a chromium for the /docs browser check in CI', () => {
  throw new Error(`${CHROMIUM} is missing: CI must run the browser check of /docs (.ci/run installs Debian's chromium)`);
});

describe.skipIf(!haveChromium)('/docs in chromium with no network', () => {
  let t: TestApp | undefined;
  let server: RunningServer | undefined;
  let profile: string | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let spec: { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
  const outside = new Set<string>(); // every request the page tried to send to another host
  const pageErrors: string[] = [];
  let bundleResponse: Response | undefined;

  const isOutside = (url: string) => {
    const u = new URL(url);
    return ['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) && u.hostname !== LOCAL_HOST;
  };

  beforeAll(async () => {
    t = await startTestApp();
    spec = (await t.request('GET', '/openapi.json')).body;
    server = await t.listen();
    profile = mkdtempSync(join(tmpdir(), 'crm-docs-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      serviceWorkers: 'block',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // A second wall behind the route below: no name but our own resolves.
        `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${LOCAL_HOST}`,
      ],
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (!isOutside(url)) return route.continue();
      outside.add(url);
      return route.abort('blockedbyclient');
    });
    await context.routeWebSocket(/.*/, (ws) => {
      if (isOutside(ws.url())) {
        outside.add(ws.url());
        return ws.close();
      }
      ws.connectToServer();
    });
    context.on('request', (request) => {
      if (isOutside(request.url())) outside.add(request.url());
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/docs/scalar.js') bundleResponse = response;
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
    await t?.close();
  }, 60_000);

  it('renders the reference from the local bundle and lists the operations of /openapi.json', async () => {
    const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method, path, summary: op.summary ?? path, tags: op.tags ?? [] })),
    );
    const login = operations.find((o) => o.method === 'post' && o.path === '/api/v1/auth/login')!;
    const stages = operations.find((o) => o.method === 'get' && o.path === '/v1/crm/stages')!;
    expect(login.summary).not.toBe(login.path);
    expect(stages.summary).not.toBe(stages.path);

    const answer = await page.goto(`${server!.url}/docs`, { waitUntil: 'load', timeout: 60_000 });
    expect(answer?.status()).toBe(200);

    // The bundle came from this server, as JavaScript, and started: the first group is open.
    expect(bundleResponse?.status()).toBe(200);
    expect(bundleResponse?.headers()['content-type']).toBe('text/javascript; charset=utf-8');
    await page.getByText(login.summary, { exact: true }).first().waitFor({ state: 'visible', timeout: 60_000 });

    // Open every group in the sidebar, then every operation is listed by its summary.
    for (const tag of new Set(operations.flatMap((o) => o.tags))) {
      const closed = page.locator('button[aria-expanded="false"]', { hasText: tag }).filter({ visible: true });
      if (await closed.count()) await closed.first().click();
    }
    await page.getByText(stages.summary, { exact: true }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();
    const text = normalise(await page.locator('body').innerText());
    const missing = operations.filter((o) => !text.includes(normalise(o.summary))).map((o) => `${o.method} ${o.path}`);
    expect(missing).toEqual([]);

    if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT });
    expect(pageErrors).toEqual([]);
    expect([...outside]).toEqual([]);
  }, 180_000);
});
