import { describe, expect, it } from 'vitest';
import { refusal } from '../shared/refusal.ts';
import { DEFAULT_EMAIL_SETTINGS, type EmailSettingsState, saveSmtp, updateSection } from './decide.ts';

// Given the settings, when a change is decided, then these events (or this refusal).

const configured: EmailSettingsState = {
  ...DEFAULT_EMAIL_SETTINGS,
  smtp: { host: 'smtp.example.com', port: 587, secure: false, username: 'u', enabled: true, has_password: true },
};

describe('email settings decisions', () => {
  it('records only the fields that change', () => {
    expect(updateSection(DEFAULT_EMAIL_SETTINGS, 'sender', { from_name: 'Acme', reply_to: null })).toEqual([
      { type: 'EmailSenderUpdated', data: { changes: { from_name: 'Acme' } } },
    ]);
    expect(updateSection(DEFAULT_EMAIL_SETTINGS, 'sender', { from_name: null })).toEqual([]);
    expect(updateSection(DEFAULT_EMAIL_SETTINGS, 'deliverability', { dmarc_policy: 'reject', dkim_selector: null })).toEqual([
      { type: 'EmailDeliverabilityUpdated', data: { changes: { dmarc_policy: 'reject' } } },
    ]);
  });

  it('saves SMTP with defaults on the first save, never with the password itself', () => {
    expect(saveSmtp(DEFAULT_EMAIL_SETTINGS, { host: 'smtp.example.com', port: 465, username: 'u', password: 'set' })).toEqual([
      {
        type: 'SmtpSettingsSaved',
        data: { host: 'smtp.example.com', port: 465, secure: true, username: 'u', enabled: true, password: 'set' },
      },
    ]);
    expect(saveSmtp(DEFAULT_EMAIL_SETTINGS, { host: 'h', password: 'kept' })[0]!.data).toMatchObject({
      port: 587,
      secure: false,
      username: null,
    });
  });

  it('keeps what is left out, and records nothing when nothing changes', () => {
    expect(saveSmtp(configured, { password: 'kept' })).toEqual([]);
    expect(saveSmtp(configured, { enabled: false, password: 'kept' })[0]!.data).toMatchObject({
      host: 'smtp.example.com',
      enabled: false,
      password: 'kept',
    });
    // A new password is always a change, though the event cannot say what it is.
    expect(saveSmtp(configured, { password: 'set' })).toHaveLength(1);
  });

  it('refuses a username without a password, a password without a username, and a first save without a host', () => {
    expect(refusal(() => saveSmtp(configured, { password: 'cleared' }))).toBe('smtp_password_required');
    expect(refusal(() => saveSmtp(DEFAULT_EMAIL_SETTINGS, { host: 'h', password: 'set' }))).toBe('smtp_username_required');
    expect(refusal(() => saveSmtp(DEFAULT_EMAIL_SETTINGS, { port: 25, password: 'kept' }))).toBe('smtp_host_required');
  });
});
