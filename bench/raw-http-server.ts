// The bare HTTP baseline, run in its own process like the server under test: Hono on
// @hono/node-server, the same Node, a pg pool of the same size as the server's (20), and per
// request one JSON parse, one INSERT ... RETURNING, one JSON answer. Everything the real endpoint
// does beyond that (auth, validation, transaction, tenant scope, event append, projection) is what
// the ratio measures. The bench creates the table (http.ts, RAW_HTTP_TABLE_DDL) before starting this.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 20) });
pool.on('error', () => {});

const app = new Hono()
  .get('/health', (c) => c.json({ ok: true }))
  .post('/raw/deals', async (c) => {
    const b = await c.req.json<{ name: string; domain?: string; value_usd: number }>();
    const { rows } = await pool.query(
      'insert into bench_http_raw (name, domain, value_usd) values ($1, $2, $3) returning id, name, domain, value_usd, created_at',
      [b.name, b.domain ?? null, b.value_usd],
    );
    return c.json(rows[0], 201);
  });

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: process.env.HOST ?? '127.0.0.1' });
const shutdown = () => server.close(() => void pool.end().finally(() => process.exit(0)));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
