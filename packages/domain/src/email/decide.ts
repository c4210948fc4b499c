import { DomainError } from '../shared/errors.ts';
import {
  type ComplianceSection,
  type DeliverabilitySection,
  type EmailSettingsEvent,
  emailSettingsEvent,
  type FooterSection,
  type SenderSection,
  type SmtpSection,
  type TrackingSection,
} from './events.ts';

/** What decide needs to know: the tenant's settings as they stand (defaults before any change). */
export interface EmailSettingsState {
  smtp: SmtpSection | null;
  sender: SenderSection;
  tracking: TrackingSection;
  compliance: ComplianceSection;
  footer: FooterSection;
  deliverability: DeliverabilitySection;
}

/** A tenant's settings before it changes any: nothing tracked, unsubscribe links on. */
export const DEFAULT_EMAIL_SETTINGS: EmailSettingsState = {
  smtp: null,
  sender: { from_name: null, from_email: null, reply_to: null },
  tracking: { open_tracking: false, click_tracking: false, tracking_domain: null },
  compliance: { include_unsubscribe_link: true, list_unsubscribe_header: true, physical_address: null, require_consent: false },
  footer: { enabled: false, text: null, html: null },
  deliverability: { sending_domain: null, dkim_selector: null, dmarc_policy: 'none' },
};

/** The fields of a patch that differ from the section as it stands (undefined means "keep"). */
export function changesOf<T extends object>(current: T, patch: Partial<T>): Partial<T> {
  const changes: Partial<T> = {};
  for (const key of Object.keys(patch) as (keyof T)[]) {
    const value = patch[key];
    if (value !== undefined && value !== current[key]) changes[key] = value;
  }
  return changes;
}

/** The sections a plain update changes: every one but SMTP, whose save has rules of its own. */
export type EmailSection = Exclude<keyof EmailSettingsState, 'smtp'>;

/** The event that records a change to each section, holding only the fields that changed. */
const sectionUpdated: { [K in EmailSection]: (changes: Partial<EmailSettingsState[K]>) => EmailSettingsEvent } = {
  sender: (changes) => emailSettingsEvent('EmailSenderUpdated', { changes }),
  tracking: (changes) => emailSettingsEvent('EmailTrackingUpdated', { changes }),
  compliance: (changes) => emailSettingsEvent('EmailComplianceUpdated', { changes }),
  footer: (changes) => emailSettingsEvent('EmailFooterUpdated', { changes }),
  deliverability: (changes) => emailSettingsEvent('EmailDeliverabilityUpdated', { changes }),
};

/** Updates one section with the fields of a patch that differ from it; no event when none do. */
export function updateSection<K extends EmailSection>(
  state: EmailSettingsState,
  section: K,
  patch: Partial<EmailSettingsState[K]>,
): EmailSettingsEvent[] {
  const changes = changesOf(state[section], patch);
  return Object.keys(changes).length > 0 ? [sectionUpdated[section](changes)] : [];
}

export interface SaveSmtp {
  host?: string | undefined;
  port?: number | undefined;
  secure?: boolean | undefined;
  username?: string | null | undefined;
  enabled?: boolean | undefined;
  /** 'set': a new password comes with this save; 'kept': keep the stored one; 'cleared': remove it. */
  password: 'set' | 'kept' | 'cleared';
}

/**
 * Saves the SMTP section; a field left out keeps its value (the first save needs a host; the port
 * defaults to 465 with implicit TLS, else 587, and TLS to port 465). The password is kept unless a
 * new one is given or it is cleared. A username needs a password and a password a username, else
 * every send would fail at authentication.
 */
export function saveSmtp(state: EmailSettingsState, cmd: SaveSmtp): EmailSettingsEvent[] {
  const s = state.smtp;
  const host = cmd.host ?? s?.host;
  if (host === undefined) throw new DomainError('invalid', 'smtp_host_required', 'the first SMTP save needs a host');
  const port = cmd.port ?? s?.port ?? (cmd.secure ? 465 : 587);
  const secure = cmd.secure ?? (cmd.port !== undefined || !s ? port === 465 : s.secure);
  const username = cmd.username !== undefined ? cmd.username : (s?.username ?? null);
  const enabled = cmd.enabled ?? s?.enabled ?? true;
  const had = s?.has_password ?? false;
  const password = cmd.password === 'cleared' && !had ? 'kept' : cmd.password;
  const hasPassword = password === 'set' || (password === 'kept' && had);
  if (username === null && hasPassword) {
    throw new DomainError(
      'invalid',
      'smtp_username_required',
      'a password needs a username; send username, or password: null to remove it',
    );
  }
  if (username !== null && !hasPassword) {
    throw new DomainError('invalid', 'smtp_password_required', 'a username needs a password; send password');
  }
  const same =
    s !== null &&
    password === 'kept' &&
    s.host === host &&
    s.port === port &&
    s.secure === secure &&
    s.username === username &&
    s.enabled === enabled;
  if (same) return [];
  return [emailSettingsEvent('SmtpSettingsSaved', { host, port, secure, username, enabled, password })];
}
