import type { Api } from './server.ts';
import { log, round } from './util.ts';

// A merge of a person with 1,000 related records (issue 8): a duplicate that is the contact of
// 1,000 deals, merged into a primary through POST /api/crm/persons/merge/, then undone. The
// dry run, the merge and the undo are each timed end to end (one request each); the seeding
// is not. A merge writes one event on each deal it touches, in one transaction.

export interface MergeFigures {
  merge_related_records: number | null;
  merge_dry_run_ms: number | null;
  merge_ms: number | null;
  merge_undo_ms: number | null;
}

async function must<T = unknown>(api: Api, method: string, path: string, body: unknown, status: number): Promise<T> {
  const res = await api.call<T>(method, path, body);
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

interface MergeAnswer {
  merge_id?: string;
  reparented: Record<string, number>;
}

/** Runs `fn` over 0..n-1 with at most `width` in flight. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

export async function measureMerge(api: Api, records = 1000): Promise<{ figures: MergeFigures; notes: string[] }> {
  const primary = await must<{ id: string }>(api, 'POST', '/api/crm/persons/', { name: 'Bench Primary' }, 201);
  const dup = await must<{ id: string }>(api, 'POST', '/api/crm/persons/', { name: 'Bench Duplicate' }, 201);
  log(`merge: seeding ${records} deals with the duplicate as their contact (8 connections)`);
  const seedStart = performance.now();
  await pool(records, 8, async (i) => {
    const deal = await must<{ id: string }>(
      api,
      'POST',
      '/v1/crm/deals',
      { name: `Merge ${i}`, domain: 'merge.example', value_usd: 10 },
      201,
    );
    await must(api, 'POST', `/v1/crm/deals/${deal.id}/contacts`, { person_id: dup.id, role: 'champion' }, 201);
  });
  log(`merge: seeded in ${Math.round(performance.now() - seedStart)} ms`);
  const body = { primary_id: primary.id, duplicate_ids: [dup.id] };
  const [dry, dryMs] = await timed(() => must<MergeAnswer>(api, 'POST', '/api/crm/persons/merge/?dry_run=true', body, 200));
  const [merged, mergeMs] = await timed(() => must<MergeAnswer>(api, 'POST', '/api/crm/persons/merge/', body, 200));
  const [, undoMs] = await timed(() => must(api, 'POST', `/api/crm/persons/merges/${merged.merge_id}/undo/`, undefined, 200));
  const moved = merged.reparented.deal_contacts;
  if (dry.reparented.deal_contacts !== records || moved !== records) throw new Error(`merge moved ${moved} of ${records} links`);
  log(`merge: dry run ${Math.round(dryMs)} ms, merge ${Math.round(mergeMs)} ms, undo ${Math.round(undoMs)} ms`);
  return {
    figures: {
      merge_related_records: records,
      merge_dry_run_ms: round(dryMs),
      merge_ms: round(mergeMs),
      merge_undo_ms: round(undoMs),
    },
    notes: [`merge: ${records} deal-contact links moved in one request (${Math.round(mergeMs)} ms) and back (${Math.round(undoMs)} ms)`],
  };
}
