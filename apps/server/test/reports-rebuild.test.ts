import { describe, it } from 'vitest';
import { expectRebuildEqualsLive, rebuildTestApp } from './rebuild-fixture.ts';

// The report schedules' read model rebuilt from the log equals the live rows (a rebuild uses a
// schema of its own, so this file gets a database of its own on pg).
const t = await rebuildTestApp();

describe('report schedules rebuilt from position 0', () => {
  it('equal the live rows after creates, changes and cancels', async () => {
    const a = await t.registerTenant('rb-rep');
    const P = '/v1/reports/schedules';
    const post = async (body: unknown) => (await t.request('POST', P, { token: a.token, body })).body;
    const one = await post({ report_type: 'industry_benchmark', industry: 'Health Care', cron: '0 9 * * 1', recipients: ['a@rb.example'] });
    const two = await post({
      report_type: 'pipeline_summary',
      cron: '*/15 * * * *',
      recipients: ['b@rb.example', 'c@rb.example'],
      format: 'csv',
    });
    await post({ report_type: 'industries_overview', cron: '0 0 1 * *', recipients: ['d@rb.example'], format: 'json' });
    await t.request('PUT', `${P}/${one.id}`, { token: a.token, body: { report_type: 'pipeline_summary', recipients: ['e@rb.example'] } });
    await t.request('DELETE', `${P}/${two.id}`, { token: a.token });
    await expectRebuildEqualsLive(t, ['report_schedules']);
  });
});
