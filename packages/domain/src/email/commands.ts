import { appendDecided, type CommandContext } from '../shared/command.ts';
import { type EmailSection, type EmailSettingsState, type SaveSmtp, saveSmtp, updateSection } from './decide.ts';
import { type EmailSettingsEvent, emailSettingsStream } from './events.ts';
import { type EmailSettingsView, getEmailSettings, loadEmailSettings } from './queries.ts';

async function change(ctx: CommandContext, decide: (state: EmailSettingsView) => EmailSettingsEvent[]): Promise<EmailSettingsView> {
  const { state, version } = await loadEmailSettings(ctx.tx, ctx.tenantId);
  const events = decide(state);
  if (events.length === 0) return state;
  await appendDecided(ctx, emailSettingsStream(ctx.tenantId), version, events);
  return getEmailSettings(ctx.tx, ctx.tenantId);
}

/**
 * Saves the SMTP section. `passwordEncrypted` is the new password's ciphertext (the API layer
 * encrypts it); it goes to the state table, never into the event.
 */
export async function saveSmtpSettings(
  ctx: CommandContext,
  input: Omit<SaveSmtp, 'password'> & { password: { set: string } | 'kept' | 'cleared' },
): Promise<EmailSettingsView> {
  const password = typeof input.password === 'object' ? 'set' : input.password;
  const view = await change(ctx, (state) => saveSmtp(state, { ...input, password }));
  const now = ctx.clock.now();
  if (typeof input.password === 'object') {
    const encrypted = input.password.set;
    await ctx.tx
      .insertInto('email_smtp_secrets')
      .values({ tenant_id: ctx.tenantId, password_encrypted: encrypted, updated_at: now })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ password_encrypted: encrypted, updated_at: now }))
      .execute();
  } else if (input.password === 'cleared') {
    await ctx.tx.deleteFrom('email_smtp_secrets').where('tenant_id', '=', ctx.tenantId).execute();
  }
  return view;
}

/** Updates one of the plain sections (sender, tracking, compliance, footer, deliverability). */
export const updateSectionSettings = <K extends EmailSection>(ctx: CommandContext, section: K, patch: Partial<EmailSettingsState[K]>) =>
  change(ctx, (s) => updateSection(s, section, patch));
