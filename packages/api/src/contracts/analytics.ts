import { analytics as domain } from '@crm/domain';
import { z } from 'zod';
import { identifier, metadata } from './platform-events.ts';
import { contract, noInput, requiredText, timestamp } from './shared.ts';

// Document 000's usage analytics: the dashboard records what is used (every plan), the tenant's
// admin reads the 30-day traffic rollup.

const count = z.number().int();

export const Traffic = z.object({
  since: timestamp.describe('start of the first day (UTC) of the 30'),
  until: timestamp,
  totals: z.object({
    events: count,
    pageViews: count,
    sessions: count,
    uniqueUsers: count,
    conversions: count,
  }),
  topPages: z.array(z.object({ page: z.string(), views: count, uniqueUsers: count })),
  conversionEvents: z.array(z.object({ eventType: z.string(), count })),
  daily: z.array(z.object({ date: z.string(), pageViews: count, sessions: count, conversions: count })),
});

export const analytics = {
  track: contract('analytics.track', {
    summary: `Record a usage event; \`${domain.PAGE_VIEW}\` is a page view, properties.session_id names a session.`,
    access: { permission: 'analytics.track' },
    input: z.object({
      eventType: identifier(64).describe(`e.g. ${domain.PAGE_VIEW}; conversions: ${domain.CONVERSION_TYPES.join(', ')}, conversion.*`),
      page: requiredText(2048).describe('the page or route, e.g. /crm/deals'),
      properties: metadata.default({}),
    }),
    output: z.object({ id: z.string(), eventType: z.string(), page: z.string(), sessionId: z.string().nullable(), occurredAt: timestamp }),
  }),
  traffic: contract('analytics.traffic', {
    summary: '30-day rollup: page views, sessions, top pages, conversion events, per day.',
    access: { permission: 'analytics.read' },
    input: noInput,
    output: Traffic,
  }),
};
