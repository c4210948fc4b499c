import { z } from 'zod';
import { contract, noInput, timestamp } from './shared.ts';

// GET /api/v1/health/services (document 001): the downstream services one process depends on.
// Unlike /health and /health/system it takes a bearer token (the document says so), and what it
// tells of the mail outbox is the caller's tenant's own; never hosts, addresses or error texts.

const MEMBER = { permission: 'tenant.read' } as const;

export const healthServices = contract('health.services', {
  summary: 'Aggregated downstream service health: database, mail outbox, background workers.',
  access: MEMBER,
  input: noInput,
  output: z.object({
    status: z.enum(['ok', 'degraded', 'down']).describe('down: the database does not answer; degraded: mail overdue or a worker failing'),
    services: z.object({
      database: z.object({ status: z.enum(['ok', 'down']), latencyMs: z.number(), kind: z.string() }),
      mailOutbox: z.object({
        status: z.enum(['ok', 'degraded', 'unknown']),
        smtpConfigured: z.boolean().describe('mail has a way out: the server has a default SMTP (SMTP_URL), or the tenant its own'),
        pending: z.number().int().nullable(),
        failed: z.number().int().nullable(),
        overdue: z.number().int().nullable().describe('pending mail with a way out, due more than 15 minutes ago'),
        oldestPendingAgeSeconds: z.number().int().nullable(),
      }),
      workers: z
        .array(
          z.object({
            name: z.string(),
            status: z.enum(['ok', 'failing']),
            lastRunAt: timestamp,
            lastSuccessAt: timestamp.nullable(),
            consecutiveFailures: z.number().int(),
          }),
        )
        .describe("this process's background workers that report their runs"),
    }),
    timestamp,
  }),
});
