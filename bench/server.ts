import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stop, track } from './procs.ts';
import { freePort, log, sleep } from './util.ts';

// Starting the HTTP servers the figures are measured against, each in its own process, and the
// few API calls the bench needs to set up a tenant.

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RunningServer {
  url: string;
  /** The server's own node process (not an npx or tsx wrapper): its RSS is the figure. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * `node <args>` (for TypeScript, `node --import tsx <script>`) rather than `npx tsx`: npx and the
 * tsx CLI each put a process in between, and the pid we sample must be the one that serves requests.
 */
async function startNode(name: string, args: string[], env: Record<string, string>, healthPath: string): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child, name);
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} during start-up: ${tail.trim()}`);
    const status = await fetch(url + healthPath).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`${name} did not answer ${healthPath} with 200 within 60 s (last status ${status}): ${tail.trim()}`);
    }
    await sleep(200);
  }
  log(`${name} up at ${url} (pid ${child.pid})`);
  return { url, pid: child.pid!, stop: () => stop(child) };
}

/** The server under test, exactly as `npm start` runs it (built, then the bundle), with its default pool (20). */
export function startCrmServer(databaseUrl: string): Promise<RunningServer> {
  execFileSync(process.execPath, ['apps/server/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  return startNode(
    'crm server',
    ['apps/server/dist/main.mjs'],
    {
      DATABASE_URL: databaseUrl,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'silent',
      // Unused with DATABASE_URL, but keeps anything the server might write out of the repository.
      DATA_DIR: `${tmpdir()}/crm-bench-data`,
    },
    '/api/v1/health',
  );
}

/** The bare baseline: raw-http-server.ts, one INSERT through pg per request. */
export function startRawServer(databaseUrl: string, poolSize: number): Promise<RunningServer> {
  return startNode(
    'raw http server',
    ['--import', 'tsx', 'bench/raw-http-server.ts'],
    { DATABASE_URL: databaseUrl, POOL_SIZE: String(poolSize) },
    '/health',
  );
}

// ---------------------------------------------------------------- API calls for set-up

export interface Api {
  url: string;
  token: string;
  /** The tenant's slug (its users log in with it) and its admin's address; the password is BENCH_PASSWORD. */
  slug: string;
  email: string;
  call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Every user the bench makes has this password. */
export const BENCH_PASSWORD = 'bench-password-1';

/** One API call; the body is parsed when it is JSON. */
export async function call(url: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed as any };
}

/** A fresh tenant (pro trial, six default stages) and its admin's access token. */
export async function newTenant(url: string, label: string): Promise<Api> {
  const slug = `bench-${label}-${randomBytes(4).toString('hex')}`;
  const email = 'admin@bench.example.com';
  const password = BENCH_PASSWORD;
  const reg = await call(url, null, 'POST', '/api/v1/tenants/register', {
    companyName: 'Bench',
    slug,
    adminEmail: email,
    adminPassword: password,
    adminFirstName: 'B',
    adminLastName: 'B',
  });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await call(url, null, 'POST', '/api/v1/auth/login', { email, password, tenantSlug: slug });
  const token = login.body?.data?.accessToken as string | undefined;
  if (login.status !== 200 || !token) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  return { url, token, slug, email, call: (method, path, body) => call(url, token, method, path, body) };
}

export interface Stage {
  id: string;
  name: string;
  order: number;
}

export async function listStages(api: Api): Promise<Stage[]> {
  const res = await api.call<{ stages: Stage[] }>('GET', '/v1/crm/stages');
  if (res.status !== 200) throw new Error(`GET /v1/crm/stages: ${res.status} ${JSON.stringify(res.body)}`);
  return [...res.body.stages].sort((a, b) => a.order - b.order);
}
