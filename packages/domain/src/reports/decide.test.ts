import { describe, expect, it } from 'vitest';
import { refusal } from '../shared/refusal.ts';
import { cancelSchedule, createSchedule, type ScheduleState, updateSchedule } from './decide.ts';
import type { ScheduleSettings } from './events.ts';
import { industrySlug, rankDomains } from './rollups.ts';

// Given a schedule as it stands, when a command is decided, then these events (or this refusal).

const id = '00000000-0000-4000-8000-0000000000a1';
const weekly: ScheduleSettings = {
  report_type: 'industry_benchmark',
  industry: 'software',
  cron: '0 9 * * 1',
  recipients: ['ana@example.com'],
  format: 'pdf',
};
const given = (s: ScheduleSettings = weekly): ScheduleState => ({ id, ...s });

describe('report schedule decisions', () => {
  it('creates a schedule with its settings, recipients once each', () => {
    expect(createSchedule(id, { ...weekly, recipients: ['ana@example.com', 'ANA@example.com', 'bo@example.com'] })).toEqual([
      {
        type: 'ReportScheduleCreated',
        data: { schedule_id: id, ...weekly, recipients: ['ana@example.com', 'bo@example.com'] },
      },
    ]);
  });

  it('refuses a benchmark without an industry, an industry on another type, and 0 or 21 recipients', () => {
    expect(refusal(() => createSchedule(id, { ...weekly, industry: null }))).toBe('industry_required');
    expect(refusal(() => createSchedule(id, { ...weekly, report_type: 'pipeline_summary' }))).toBe('industry_not_applicable');
    expect(refusal(() => createSchedule(id, { ...weekly, recipients: [] }))).toBe('recipients_count');
    const many = Array.from({ length: 21 }, (_, i) => `r${i}@example.com`);
    expect(refusal(() => createSchedule(id, { ...weekly, recipients: many }))).toBe('recipients_count');
  });

  it('records the settings after a change and which changed; the same settings again append nothing', () => {
    expect(updateSchedule(given(), id, { cron: '0 8 * * *', format: 'csv' })).toEqual([
      {
        type: 'ReportScheduleUpdated',
        data: { schedule_id: id, ...weekly, cron: '0 8 * * *', format: 'csv', changed: ['cron', 'format'] },
      },
    ]);
    expect(updateSchedule(given(), id, { cron: weekly.cron, recipients: ['ANA@example.com'] })).toEqual([]);
  });

  it('drops the industry when the type changes away from the benchmark', () => {
    expect(updateSchedule(given(), id, { report_type: 'pipeline_summary' })[0]!.data).toMatchObject({
      report_type: 'pipeline_summary',
      industry: null,
      changed: ['report_type', 'industry'],
    });
    expect(refusal(() => updateSchedule(given(), id, { report_type: 'pipeline_summary', industry: 'software' }))).toBe(
      'industry_not_applicable',
    );
  });

  it('refuses to change or cancel a schedule that does not exist', () => {
    expect(refusal(() => updateSchedule(null, id, { cron: '* * * * *' }))).toBe('schedule_not_found');
    expect(refusal(() => cancelSchedule(null, id))).toBe('schedule_not_found');
    expect(cancelSchedule(given(), id)).toEqual([{ type: 'ReportScheduleCancelled', data: { schedule_id: id } }]);
  });
});

describe('industry slugs and top domains', () => {
  it('finds an industry case-insensitively, spaces and punctuation alike', () => {
    expect(['Health Care', 'health-care', ' HEALTH_CARE ', 'Health & Care'].map(industrySlug)).toEqual(Array(4).fill('health-care'));
    expect(industrySlug('Café Software')).toBe('café-software');
  });

  it('ranks domains by deal value, then deal count, organizations and name, ten at most', () => {
    const d = (domain: string, v: number, n: number, o = 1) => ({ domain, deal_value_usd: v, deal_count: n, organizations: o });
    expect(rankDomains([d('b.com', 0, 0, 2), d('a.com', 0, 0, 2), d('c.com', 100, 1), d('d.com', 100, 2)]).map((x) => x.domain)).toEqual([
      'd.com',
      'c.com',
      'a.com',
      'b.com',
    ]);
    expect(rankDomains(Array.from({ length: 12 }, (_, i) => d(`x${i}.com`, i, 1)))).toHaveLength(10);
  });
});
