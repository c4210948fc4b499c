import { asOwner } from '@crm/db';
import { useTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { bareHost, websiteDomain } from './domains.ts';

const h = useTestDb();

// Websites and deal domains as people type them.
const SAMPLES = [
  'acme.com',
  'ACME.com',
  'www.acme.com',
  'WWW.Acme.COM.',
  'https://www.acme.com/about?x=1#top',
  'http://acme.com:8080/',
  '  acme.com/  ',
  'ftp://files.acme.com',
  'sub.www.acme.com',
  'acme.co.uk',
  'www.',
  '',
  '   ',
];

describe('a domain read in JS and in SQL', () => {
  it('gives the same bare host for every sample', async () => {
    const fromSql = await asOwner(h.db, async (tx) => {
      const { rows } = await sql<{ host: string | null }>`select ${bareHost('w')} as host
        from unnest(${SAMPLES}::text[]) with ordinality as s(w, n) order by n`.execute(tx);
      return rows.map((r) => r.host);
    });
    expect(fromSql).toEqual(SAMPLES.map(websiteDomain));
    expect(fromSql.slice(0, 8)).toEqual([
      'acme.com',
      'acme.com',
      'acme.com',
      'acme.com',
      'acme.com',
      'acme.com',
      'acme.com',
      'files.acme.com',
    ]);
  });

  it('is NULL for NULL', async () => {
    const row = await asOwner(h.db, (tx) => sql<{ host: string | null }>`select ${bareHost('null::text')} as host`.execute(tx));
    expect(row.rows[0]!.host).toBeNull();
    expect(websiteDomain(null)).toBeNull();
  });
});
