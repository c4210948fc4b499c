import { DomainError, email as domain, pageWithCount } from '@crm/domain';
import { sql } from 'kysely';
import type { z } from 'zod';
import * as c from '../contracts/email-settings.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { mailRouteOf } from '../mail/route.ts';
import { encryptSmtpPassword } from '../mail/secrets.ts';
import { classifySmtpError, describeSmtpError, transportFor } from '../mail/smtp.ts';
import type { AuthedContract } from '../contracts/shared.ts';
import { type AuthedContext, mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Email settings (document 001, /api/v1/settings/email/*) and the tenant's mail outbox.

type View = domain.EmailSettingsView;

async function sourceOf(ctx: AuthedContext, tx: Parameters<typeof mailRouteOf>[0]) {
  return (await mailRouteOf(tx, ctx.services, ctx.principal.tenantId)).source;
}

function smtpDto(v: View, source: 'tenant' | 'server' | 'none'): z.output<typeof c.SmtpSettings> {
  const s = v.smtp;
  return {
    configured: s !== null,
    enabled: s?.enabled ?? false,
    host: s?.host ?? null,
    port: s?.port ?? null,
    secure: s?.secure ?? null,
    username: s?.username ?? null,
    hasPassword: s?.has_password ?? false,
    source,
    updatedAt: s ? (v.updatedAt?.toISOString() ?? null) : null,
  };
}

const senderDto = (v: View) => ({ fromName: v.sender.from_name, fromEmail: v.sender.from_email, replyTo: v.sender.reply_to });
const trackingDto = (v: View) => ({
  openTracking: v.tracking.open_tracking,
  clickTracking: v.tracking.click_tracking,
  trackingDomain: v.tracking.tracking_domain,
});
const complianceDto = (v: View) => ({
  includeUnsubscribeLink: v.compliance.include_unsubscribe_link,
  listUnsubscribeHeader: v.compliance.list_unsubscribe_header,
  physicalAddress: v.compliance.physical_address,
  requireConsent: v.compliance.require_consent,
});
const footerDto = (v: View) => ({ enabled: v.footer.enabled, text: v.footer.text, html: v.footer.html });

/** The settings plus the DNS records a sending domain needs, as guidance. */
function deliverabilityDto(v: View): z.output<typeof c.DeliverabilitySettings> {
  const d = v.deliverability;
  const domainName = d.sending_domain;
  const records: z.output<typeof c.DnsRecord>[] = [];
  if (domainName) {
    const via = v.smtp?.enabled ? ` a:${v.smtp.host}` : '';
    records.push({ purpose: 'spf', type: 'TXT', name: domainName, value: `v=spf1${via} mx ~all` });
    if (d.dkim_selector) {
      records.push({
        purpose: 'dkim',
        type: 'TXT',
        name: `${d.dkim_selector}._domainkey.${domainName}`,
        value: 'v=DKIM1; k=rsa; p=<the public key your SMTP provider gives for this selector>',
      });
    }
    records.push({ purpose: 'dmarc', type: 'TXT', name: `_dmarc.${domainName}`, value: `v=DMARC1; p=${d.dmarc_policy}` });
  }
  return { sendingDomain: domainName, dkimSelector: d.dkim_selector, dmarcPolicy: d.dmarc_policy, records };
}

const read = (ctx: AuthedContext) => runQuery(ctx, (tx) => domain.getEmailSettings(tx, ctx.principal.tenantId));

/** Maps a face's field names to the section's; a field left out stays out (kept). */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The get/update pair of a plain section: both answer the section as it stands after; the update
 * maps the face's fields to the section's (`toSection`) and changes only the fields it was given.
 */
function sectionRouter<K extends domain.EmailSection, G extends AuthedContract, U extends AuthedContract>(
  section: K,
  contracts: { get: G; update: U },
  dto: (v: View) => z.output<G['output']> & z.output<U['output']>,
  toSection: (input: z.output<U['input']>) => { [F in keyof View[K]]: View[K][F] | undefined },
) {
  return router({
    get: query(contracts.get, async ({ ctx }) => dto(await read(ctx))),
    update: mutation(contracts.update, async ({ ctx, input }) =>
      dto(await runCommand(ctx, (cmd) => domain.updateSectionSettings(cmd, section, defined(toSection(input))))),
    ),
  });
}

const TEST_TIMEOUT_MS = 5_000;

export const emailSettingsRouter = router({
  smtp: router({
    get: query(c.smtp.get, async ({ ctx }) =>
      runQuery(ctx, async (tx) => smtpDto(await domain.getEmailSettings(tx, ctx.principal.tenantId), await sourceOf(ctx, tx))),
    ),
    save: mutation(c.smtp.save, async ({ ctx, input }) => {
      const tenantId = ctx.principal.tenantId;
      const password =
        input.password === undefined
          ? ('kept' as const)
          : input.password === null
            ? ('cleared' as const)
            : { set: encryptSmtpPassword(ctx.services.jwtSecret, tenantId, input.password) };
      return runCommand(ctx, async (cmd) => {
        const v = await domain.saveSmtpSettings(cmd, {
          host: input.host,
          port: input.port,
          secure: input.secure,
          username: input.username,
          enabled: input.enabled,
          password,
        });
        return smtpDto(v, await sourceOf(ctx, cmd.tx));
      });
    }),
    /**
     * Connects with the tenant's current settings (or the server's default when the tenant has
     * none): DNS, TCP, TLS, login. A failed connection is a result (200, ok false, a code), not an
     * error of this request; only "nothing to test" is refused.
     */
    test: mutation(c.smtp.test, async ({ ctx, input }) => {
      const route = await runQuery(ctx, (tx) => mailRouteOf(tx, ctx.services, ctx.principal.tenantId));
      if (route.source === 'none') {
        throw new DomainError(
          'conflict',
          'smtp_not_configured',
          'no SMTP is configured for this tenant or this server: save one with PUT /api/v1/settings/email/smtp',
        );
      }
      if (route.target === null) throw new DomainError('conflict', 'smtp_password_unreadable', route.problem);
      const target = route.target;
      const started = Date.now();
      const transport = transportFor(target, { connectionMs: TEST_TIMEOUT_MS, greetingMs: TEST_TIMEOUT_MS, socketMs: TEST_TIMEOUT_MS });
      let failure: unknown = null;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          transport.verify(),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(Object.assign(new Error('no answer within 5 s'), { code: 'ETIMEDOUT' })),
              TEST_TIMEOUT_MS + 1_000,
            );
          }),
        ]);
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(timer);
        transport.close();
      }
      const ok = failure === null;
      let testMailId: string | null = null;
      if (ok && input?.to) {
        const to = input.to;
        testMailId = await runCommand(ctx, (cmd) =>
          enqueueMail(
            cmd.tx,
            cmd.tenantId,
            {
              kind: 'smtp_test',
              to,
              subject: 'SMTP test',
              text: `This is a test message: your SMTP settings (${target.host}:${target.port}) work.`,
            },
            cmd.clock.now(),
          ),
        );
      }
      return {
        ok,
        source: route.source,
        host: target.host,
        port: target.port,
        secure: target.secure,
        code: ok ? null : classifySmtpError(failure),
        message: ok ? null : describeSmtpError(failure),
        latencyMs: Date.now() - started,
        testMailId,
      };
    }),
  }),
  sender: sectionRouter('sender', c.sender, senderDto, (input) => ({
    from_name: input.fromName,
    from_email: input.fromEmail,
    reply_to: input.replyTo,
  })),
  tracking: sectionRouter('tracking', c.tracking, trackingDto, (input) => ({
    open_tracking: input.openTracking,
    click_tracking: input.clickTracking,
    tracking_domain: input.trackingDomain,
  })),
  compliance: sectionRouter('compliance', c.compliance, complianceDto, (input) => ({
    include_unsubscribe_link: input.includeUnsubscribeLink,
    list_unsubscribe_header: input.listUnsubscribeHeader,
    physical_address: input.physicalAddress,
    require_consent: input.requireConsent,
  })),
  footer: sectionRouter('footer', c.footer, footerDto, (input) => ({ enabled: input.enabled, text: input.text, html: input.html })),
  deliverability: sectionRouter('deliverability', c.deliverability, deliverabilityDto, (input) => ({
    sending_domain: input.sendingDomain,
    dkim_selector: input.dkimSelector,
    dmarc_policy: input.dmarcPolicy,
  })),
  status: query(c.status, async ({ ctx }) => {
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => {
      const v = await domain.getEmailSettings(tx, tenantId);
      const route = await mailRouteOf(tx, ctx.services, tenantId);
      const { rows } = await sql<{ status: string; n: string; oldest: Date | null }>`
        select status, count(*)::text as n, min(created_at) as oldest from mail_outbox where tenant_id = ${tenantId} group by status`.execute(
        tx,
      );
      const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      const oldest = rows.find((r) => r.status === 'pending')?.oldest ?? null;
      const issues: { code: string; message: string }[] = [];
      if (route.source === 'none') issues.push({ code: 'no_smtp', message: 'no SMTP is configured: mail is kept in the outbox, not sent' });
      if (route.source === 'tenant' && route.target === null) issues.push({ code: 'smtp_password_unreadable', message: route.problem });
      if (v.smtp && !v.smtp.enabled) issues.push({ code: 'smtp_disabled', message: "the tenant's own SMTP is switched off" });
      if (!v.sender.from_email)
        issues.push({ code: 'no_sender_address', message: 'no sender address: mail goes out from the server default' });
      if (count('failed') > 0)
        issues.push({ code: 'failed_mail', message: `${count('failed')} message(s) failed for good; see the outbox` });
      return {
        ready: route.source !== 'none' && !(route.source === 'tenant' && route.target === null),
        source: route.source,
        smtp: { configured: v.smtp !== null, enabled: v.smtp?.enabled ?? false, hasPassword: v.smtp?.has_password ?? false },
        sender: { configured: v.sender.from_email !== null },
        deliverability: { sendingDomain: v.deliverability.sending_domain },
        outbox: {
          pending: count('pending'),
          sent: count('sent'),
          failed: count('failed'),
          oldestPendingAt: oldest ? new Date(oldest).toISOString() : null,
        },
        issues,
      };
    });
  }),
  outbox: router({
    list: query(c.outbox.list, async ({ ctx, input }) => {
      const tenantId = ctx.principal.tenantId;
      return runQuery(ctx, async (tx) => {
        let q = tx.selectFrom('mail_outbox').where('tenant_id', '=', tenantId);
        if (input.status) q = q.where('status', '=', input.status);
        const { rows, count } = await pageWithCount(
          q,
          [
            ['created_at', 'desc'],
            ['id', 'asc'],
          ],
          input.page,
          input.limit,
        );
        return {
          items: rows.map((m) => ({
            id: m.id,
            kind: m.kind,
            to: m.to_address,
            subject: m.subject,
            text: m.text_body,
            html: m.html_body,
            status: m.status,
            attempts: m.attempts,
            nextAttemptAt: m.status === 'pending' ? m.next_attempt_at.toISOString() : null,
            lastError: m.last_error,
            sentAt: m.sent_at?.toISOString() ?? null,
            messageId: m.message_id,
            createdAt: m.created_at.toISOString(),
          })),
          total: count,
          page: input.page,
          limit: input.limit,
        };
      });
    }),
  }),
});
