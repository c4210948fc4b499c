import { z } from 'zod';

// The known organization settings (document 001 names only /api/v1/org-settings and "a key-value
// map"): each key has a category (its prefix), a schema its value must match, and a default.

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.length > 0 && tz.length <= 64;
  } catch {
    return false;
  }
}, 'an IANA time zone (Europe/Berlin)');
const locale = z.string().refine((l) => {
  try {
    return l.length <= 35 && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l) && Intl.getCanonicalLocales(l).length === 1;
  } catch {
    return false;
  }
}, 'a BCP 47 language tag (en-US)');
const currency = z.string().refine((c) => {
  if (!/^[A-Z]{3}$/.test(c)) return false;
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('currency').includes(c);
  } catch {
    return false;
  }
}, 'an ISO 4217 currency code (EUR)');

export const ORG_SETTINGS = {
  'general.timezone': { schema: timezone, default: 'UTC', description: 'IANA time zone of the organization' },
  'general.locale': { schema: locale, default: 'en-US', description: 'BCP 47 language tag' },
  'general.currency': { schema: currency, default: 'USD', description: 'ISO 4217 currency code' },
  'general.date_format': {
    schema: z.enum(['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY']),
    default: 'YYYY-MM-DD',
    description: 'how dates are shown',
  },
  'general.week_start': { schema: z.enum(['monday', 'sunday', 'saturday']), default: 'monday', description: 'first day of the week' },
  'branding.primary_color': {
    schema: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a hex color (#1a2b3c)'),
    default: '#2563eb',
    description: 'primary color (hex)',
  },
  'branding.logo_url': {
    schema: z
      .url({ protocol: /^https$/ })
      .max(2048)
      .nullable(),
    default: null,
    description: 'https URL of the logo, or null',
  },
  'security.session_timeout_minutes': {
    schema: z.number().int().min(5).max(1440),
    default: 480,
    description: 'idle session timeout in minutes (5–1440)',
  },
  'security.password_min_length': { schema: z.number().int().min(8).max(128), default: 8, description: 'minimum password length (8–128)' },
  'crm.default_pipeline_currency': { schema: currency, default: 'USD', description: 'currency of new deals (ISO 4217)' },
} as const satisfies Record<string, { schema: z.ZodType; default: unknown; description: string }>;

export type OrgSettingKey = keyof typeof ORG_SETTINGS;
export const ORG_SETTING_KEYS = Object.keys(ORG_SETTINGS) as OrgSettingKey[];
export const ORG_SETTING_CATEGORIES = [...new Set(ORG_SETTING_KEYS.map((k) => k.split('.')[0]!))];

export const isOrgSettingKey = (k: string): k is OrgSettingKey => Object.hasOwn(ORG_SETTINGS, k);
export const categoryOf = (k: OrgSettingKey) => k.split('.')[0]!;
