import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { withClient } from './db.ts';
import { BENCH_PASSWORD, call, newTenant } from './server.ts';
import { cpuSeconds } from './procs.ts';
import { log, percentile, round, sleep } from './util.ts';

// The notification WebSocket at 1,000 sockets (issue 10's memory target is the server's peak RSS
// with 1,000 open sockets; the lead samples it around this phase). 1,000 WebSockets to
// /v1/ws/notifications, spread over users of one tenant, are held open while the tenant's admin
// assigns deals to those users: each deal is a `sales.lead_assigned` notification for its owner,
// pushed to every socket of the owner. The phase counts what arrives against what should, and
// times each push from the deal's 201 to its arrival.
//
//   const admin = await socketTenant(crm.url);                     // a tenant whose slug we know
//   const users = await socketUsers(admin, mainUrl, 10);          // invited, accepted, logged in
//   const out = await measureSockets(admin, users, { sockets: 1000, holdS: 10, dealsPerS: 20 }, crm, mainUrl);
//
// Users come through the API (invite, accept, log in); the invitation's token is read from the
// mail outbox, which is why the database URL is needed. `socketsPhase` does all three.

export interface SocketsTiming {
  /** Sockets to open in all, spread evenly over the users. */
  sockets: number;
  /** How long the sockets are held open while deals are assigned. */
  holdS: number;
  /** Deals assigned per second during the hold, round robin over the users. */
  dealsPerS: number;
  /** Sockets opening at once. */
  connectWidth?: number;
  /** Seconds the sockets are first held with nothing written: what idle sockets cost the server. */
  idleS?: number;
}

export interface SocketUser {
  userId: number;
  token: string;
}

export interface SocketAdmin {
  url: string;
  token: string;
  slug: string;
}

export interface SocketsFigures {
  sockets_open: number;
  sockets_users: number;
  sockets_connect_ms: number | null;
  sockets_hold_s: number;
  /** Sockets that closed or failed before the end. */
  sockets_lost: number;
  notifications_produced: number;
  /** Each notification once per socket of its owner. */
  messages_expected: number;
  messages_received: number;
  messages_missing: number;
  messages_duplicated: number;
  push_latency_p50_ms: number | null;
  push_latency_p99_ms: number | null;
  /** The server's CPU over the hold, per second of hold (null when its pid is not given). */
  sockets_server_cpu_s_per_s: number | null;
  /** The same while the sockets were idle (nothing written), and the database's transactions per second then. */
  sockets_idle_server_cpu_s_per_s: number | null;
  sockets_idle_db_xacts_per_s: number | null;
  /** The server's resident size with every socket open, and before they were opened. */
  sockets_server_rss_mb: number | null;
  sockets_server_rss_before_mb: number | null;
}

async function must(url: string, token: string | null, method: string, path: string, body: unknown, status: number) {
  const res = await call(url, token, method, path, body);
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

async function login(url: string, email: string, slug: string): Promise<{ token: string; userId: number }> {
  const body = await must(url, null, 'POST', '/api/v1/auth/login', { email, password: BENCH_PASSWORD, tenantSlug: slug }, 200);
  return { token: body.data.accessToken, userId: body.data.user.id };
}

/** A fresh tenant and its admin; its users log in with its slug. */
export async function socketTenant(url: string): Promise<SocketAdmin> {
  const { token, slug } = await newTenant(url, 'sockets');
  return { url, token, slug };
}

/** `count` users of the admin's tenant, each invited, accepted (token from the mail outbox) and logged in. */
export async function socketUsers(admin: SocketAdmin, databaseUrl: string, count: number): Promise<SocketUser[]> {
  const users: SocketUser[] = [];
  // One at a time: accepting and logging in each hash a password at full cost on the server (scrypt
  // holds 32 MiB while it runs), and the figure of this phase is the server's memory.
  for (let n = 0; n < count; n++) {
    const email = `listener-${n}@${admin.slug}.example.com`;
    await must(admin.url, admin.token, 'POST', '/api/v1/users', { email, firstName: `L${n}`, lastName: 'Bench', role: 'user' }, 201);
    const text = await withClient(databaseUrl, async (c) => {
      const { rows } = await c.query<{ text_body: string }>(
        `select text_body from mail_outbox where kind = 'invitation' and to_address = $1 order by created_at desc limit 1`,
        [email],
      );
      return rows[0]?.text_body ?? '';
    });
    const m = /accept-invitation\?token=([^\s"&<]+)/.exec(text);
    if (!m) throw new Error(`no invitation mail for ${email}`);
    const token = decodeURIComponent(m[1]!);
    await must(admin.url, null, 'POST', '/api/v1/users/accept-invitation', { token, password: BENCH_PASSWORD }, 200);
    users.push(await login(admin.url, email, admin.slug));
  }
  return users;
}

interface Socket {
  ws: WebSocket;
  user: number;
  /** Cursor of every notification received (a duplicate shows as a repeat). */
  cursors: string[];
  lost: boolean;
}

function rssMb(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * Opens `timing.sockets` sockets over `users`, holds them `timing.holdS` seconds while the admin
 * assigns deals to the users, then counts. `server` (the pid) adds the server's CPU and RSS.
 */
export async function measureSockets(
  admin: SocketAdmin,
  users: SocketUser[],
  timing: SocketsTiming,
  server?: { pid: number },
  databaseUrl?: string,
): Promise<{ figures: SocketsFigures; notes: string[] }> {
  if (users.length === 0) throw new Error('measureSockets needs users');
  const wsUrl = admin.url.replace(/^http/, 'ws');
  const sockets: Socket[] = [];
  const sentAt = new Map<string, number>(); // deal name -> when its 201 came
  const latencies: number[] = [];
  const rssBefore = server ? rssMb(server.pid) : null;

  const open = (user: number) =>
    new Promise<Socket>((resolve, reject) => {
      const ws = new WebSocket(`${wsUrl}/v1/ws/notifications?token=${users[user]!.token}`);
      const s: Socket = { ws, user, cursors: [], lost: false };
      const timer = setTimeout(() => reject(new Error('socket did not get ready within 60 s')), 60_000);
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw)) as { type: string; cursor: string; notification?: { title: string } };
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve(s);
          return;
        }
        s.cursors.push(m.cursor);
        const at = sentAt.get(m.notification?.title.replace(/^New deal assigned: /, '') ?? '');
        if (at !== undefined) latencies.push(Math.max(0, performance.now() - at));
      });
      ws.on('close', () => {
        s.lost = true;
      });
      ws.on('error', (error) => {
        clearTimeout(timer);
        s.lost = true;
        reject(error);
      });
    });

  log(`sockets: opening ${timing.sockets} over ${users.length} users`);
  const connectStart = performance.now();
  const width = timing.connectWidth ?? 50;
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < timing.sockets) {
        const i = next++;
        sockets.push(await open(i % users.length));
      }
    }),
  );
  const connectMs = performance.now() - connectStart;
  log(`sockets: ${sockets.length} open in ${Math.round(connectMs)} ms`);
  const rssOpen = server ? rssMb(server.pid) : null;

  // Idle: every socket open, nothing written. What the server and the database do now is what
  // holding the sockets costs (plus the background workers' own polls, the same in any design).
  const xacts = async () =>
    databaseUrl
      ? withClient(databaseUrl, async (c) => {
          const { rows } = await c.query<{ n: string }>(
            'select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()',
          );
          return Number(rows[0]!.n);
        })
      : null;
  const idleS = timing.idleS ?? 5;
  const idleCpu0 = server ? cpuSeconds(server.pid) : null;
  const idleX0 = await xacts();
  const idleStart = performance.now();
  await sleep(idleS * 1000);
  const idleSpent = (performance.now() - idleStart) / 1000;
  const idleCpu1 = server ? cpuSeconds(server.pid) : null;
  const idleX1 = await xacts();
  // pg_stat_database is updated when a backend reports; our own two reads count as two.
  const idleXactsPerS = idleX0 !== null && idleX1 !== null ? round((idleX1 - idleX0 - 1) / idleSpent) : null;

  // The hold: deals assigned at a steady rate (up to 4 in flight), round robin over the users.
  const cpu0 = server ? cpuSeconds(server.pid) : null;
  const holdStart = performance.now();
  const produced = new Map<number, number>(); // user -> deals assigned
  let n = 0;
  const producer = async () => {
    while (performance.now() - holdStart < timing.holdS * 1000) {
      const due = Math.floor(((performance.now() - holdStart) / 1000) * timing.dealsPerS);
      if (n >= due) {
        await sleep(5);
        continue;
      }
      const user = n % users.length;
      const name = `Sockets ${n}`;
      n++;
      produced.set(user, (produced.get(user) ?? 0) + 1);
      const started = performance.now();
      sentAt.set(name, started);
      await must(admin.url, admin.token, 'POST', '/v1/crm/deals', { name, value_usd: 10, owner_user_id: users[user]!.userId }, 201);
      // From the 201 on: a push cannot come earlier than its deal's commit (an early one counts as 0).
      sentAt.set(name, performance.now());
    }
  };
  await Promise.all([producer(), producer(), producer(), producer()]);
  const holdS = (performance.now() - holdStart) / 1000;
  const cpu1 = server ? cpuSeconds(server.pid) : null;

  let expected = 0;
  for (const s of sockets) expected += produced.get(s.user) ?? 0;
  const received = () => sockets.reduce((sum, s) => sum + s.cursors.length, 0);
  // The last deals' pushes: the engine polls every second and the feed every two at worst.
  for (const end = performance.now() + 15_000; received() < expected && performance.now() < end; ) await sleep(100);
  await sleep(500); // a duplicate would show up by now
  let duplicated = 0;
  let missing = 0;
  for (const s of sockets) {
    const unique = new Set(s.cursors).size;
    duplicated += s.cursors.length - unique;
    missing += Math.max(0, (produced.get(s.user) ?? 0) - unique);
  }
  const lost = sockets.filter((s) => s.lost).length;
  for (const s of sockets) s.ws.terminate();

  latencies.sort((a, b) => a - b);
  const figures: SocketsFigures = {
    sockets_open: sockets.length,
    sockets_users: users.length,
    sockets_connect_ms: round(connectMs),
    sockets_hold_s: round(holdS) ?? 0,
    sockets_lost: lost,
    notifications_produced: n,
    messages_expected: expected,
    messages_received: received(),
    messages_missing: missing,
    messages_duplicated: duplicated,
    push_latency_p50_ms: round(percentile(latencies, 50)),
    push_latency_p99_ms: round(percentile(latencies, 99)),
    sockets_server_cpu_s_per_s: cpu0 !== null && cpu1 !== null ? round((cpu1 - cpu0) / holdS, 3) : null,
    sockets_idle_server_cpu_s_per_s: idleCpu0 !== null && idleCpu1 !== null ? round((idleCpu1 - idleCpu0) / idleSpent, 3) : null,
    sockets_idle_db_xacts_per_s: idleXactsPerS,
    sockets_server_rss_mb: rssOpen,
    sockets_server_rss_before_mb: rssBefore,
  };
  log(
    `sockets: ${figures.messages_received}/${expected} messages (${missing} missing, ${duplicated} twice), ` +
      `push p50 ${figures.push_latency_p50_ms} ms, p99 ${figures.push_latency_p99_ms} ms, ${lost} sockets lost`,
  );
  const notes: string[] = [];
  if (missing || duplicated || lost) notes.push(`sockets: ${missing} pushes missing, ${duplicated} twice, ${lost} sockets closed early`);
  return { figures, notes };
}

/** The whole phase against a running server: a tenant, `userCount` users, then measureSockets. */
export async function socketsPhase(
  url: string,
  databaseUrl: string,
  timing: SocketsTiming & { users: number },
  server?: { pid: number },
): Promise<{ figures: SocketsFigures; notes: string[] }> {
  const admin = await socketTenant(url);
  const users = await socketUsers(admin, databaseUrl, timing.users);
  return measureSockets(admin, users, timing, server, databaseUrl);
}

// `npx tsx bench/sockets.ts <server url> <database url> [sockets] [users] [holdS] [dealsPerS] [server pid]`:
// the phase on its own, against a server started by hand.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, databaseUrl, sockets = '1000', users = '10', holdS = '10', dealsPerS = '20', pid] = process.argv.slice(2);
  if (!url || !databaseUrl)
    throw new Error('usage: tsx bench/sockets.ts <server url> <database url> [sockets] [users] [holdS] [dealsPerS] [pid]');
  const out = await socketsPhase(
    url,
    databaseUrl,
    { sockets: Number(sockets), users: Number(users), holdS: Number(holdS), dealsPerS: Number(dealsPerS) },
    pid ? { pid: Number(pid) } : undefined,
  );
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
}
