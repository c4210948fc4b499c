import { notifications as domain } from '@crm/domain';
import { z } from 'zod';
import { limitPage } from './answers.ts';
import { contract, noInput, page, pageSize, requiredText, timestamp, uuid } from './shared.ts';

// One's own notifications (documents 001 and 000): the inbox and its read state, the catalogue of
// notifications with the caller's channel choices, Do Not Disturb, and document 000's rules and
// channels. Every use case acts on the caller's own notifications only.

const SELF = { permission: 'notifications.self' } as const;

/** A use case on the caller's own notifications: each one here needs `notifications.self`, and only that. */
function own<const P extends string, I extends z.ZodType, O extends z.ZodType>(path: P, c: { summary: string; input: I; output: O }) {
  return contract(path, { summary: c.summary, access: SELF, input: c.input, output: c.output });
}

const channelFlags = z.object({ in_app: z.boolean(), email: z.boolean() }).describe('per channel: in_app, email');

export const Notification = z.object({
  id: uuid,
  eventKey: z.string().describe('the kind of notification, e.g. sales.lead_assigned'),
  module: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable().describe('where it leads in the app, relative'),
  variables: z.record(z.string(), z.string()),
  read: z.boolean(),
  readAt: timestamp.nullable(),
  dismissedAt: timestamp.nullable().describe('set once dismissed (only the history shows those)'),
  emailState: z.string().describe('the email leg: none, pending, held, digest, queued, digested'),
  createdAt: timestamp,
  cursor: z.string().describe('the order it was written in; the WebSocket resumes after it'),
});

const NotificationPage = limitPage('notifications', Notification).extend({ unreadCount: z.number().int() });

const byId = z.object({ id: uuid });
const pageInput = { page, limit: pageSize };

export const CatalogueEvent = z.object({
  eventKey: z.string(),
  module: z.string(),
  label: z.string(),
  description: z.string(),
  enabled: z.boolean().describe('the rule is on (document 000 toggles it as a whole)'),
  defaultChannels: channelFlags,
  channels: channelFlags.describe('effective: your choices over the defaults'),
  overridden: channelFlags.describe('which channels you have set yourself'),
});

export const Dnd = z.object({
  enabled: z.boolean(),
  startTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour')
    .describe('HH:MM, local'),
  endTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour')
    .describe('HH:MM, local; before startTime: the window crosses midnight'),
  timezone: requiredText(64).describe('IANA time zone, e.g. America/New_York'),
});
export const DndView = Dnd.extend({
  activeNow: z.boolean(),
  endsAt: timestamp.nullable().describe('while active: when the window ends (email held until then)'),
});

export const Rule = z.object({
  ruleType: z.enum(domain.RULE_TYPES),
  ruleId: z.string().describe('the notification kind it governs'),
  module: z.string(),
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  channels: channelFlags,
});

export const Channel = z.object({
  channel: z.enum(['in_app', 'email', 'slack', 'webhook']),
  name: z.string(),
  available: z.boolean().describe('false: no integration exists for it on this platform'),
  configured: z.boolean().describe('ready to deliver (email: an SMTP route exists for the tenant)'),
  detail: z.string(),
});

export const notifications = {
  list: own('notifications.list', {
    summary: 'The caller’s notifications, newest first, paged; `unread` keeps only unread ones. Dismissed ones are left out.',
    input: z.object({ ...pageInput, unread: z.boolean().default(false) }),
    output: NotificationPage,
  }),
  history: own('notifications.history', {
    summary: 'The caller’s recent notifications, newest first, read and dismissed ones included.',
    input: z.object(pageInput),
    output: NotificationPage,
  }),
  unreadCount: own('notifications.unreadCount', {
    summary: 'How many of the caller’s notifications are unread (the badge).',
    input: noInput,
    output: z.object({ count: z.number().int() }),
  }),
  markRead: own('notifications.markRead', {
    summary: 'Marks one of the caller’s notifications read (again: no change). Another user’s or a dismissed one: 404.',
    input: byId,
    output: Notification,
  }),
  markAllRead: own('notifications.markAllRead', {
    summary: 'Marks every notification of the caller read.',
    input: noInput,
    output: z.object({ unreadCount: z.number().int() }),
  }),
  dismiss: own('notifications.dismiss', {
    summary: 'Removes a notification from the caller’s inbox (the history keeps it). Another user’s or one already dismissed: 404.',
    input: byId,
    output: z.object({ id: uuid, dismissed: z.literal(true) }),
  }),
};

export const preferences = {
  catalog: own('notifications.preferences.catalog', {
    summary: 'Every kind of notification, grouped by module, with its default channels and the caller’s overrides.',
    input: noInput,
    output: z.object({ modules: z.array(z.object({ module: z.string(), events: z.array(CatalogueEvent) })) }),
  }),
  get: own('notifications.preferences.get', {
    summary: 'The caller’s channel choices merged with the defaults, and their Do Not Disturb.',
    input: noInput,
    output: z.object({ preferences: z.array(CatalogueEvent), dnd: DndView }),
  }),
  set: own('notifications.preferences.set', {
    summary: 'Turns one channel of one kind of notification on or off for the caller (an upsert). Unknown key or channel: 400.',
    input: z.object({
      eventKey: requiredText(100),
      channel: requiredText(32).describe(`one of ${domain.NOTIFICATION_CHANNELS.join(', ')}`),
      enabled: z.boolean(),
    }),
    output: CatalogueEvent,
  }),
  getDnd: own('notifications.preferences.getDnd', {
    summary: 'The caller’s Do Not Disturb window.',
    input: noInput,
    output: DndView,
  }),
  setDnd: own('notifications.preferences.setDnd', {
    summary: 'Sets the caller’s Do Not Disturb window; inside it, email is held until the window ends (in-app still lands).',
    input: Dnd,
    output: DndView,
  }),
};

export const rules = {
  list: own('notifications.rules.list', {
    summary: 'The caller’s notification rules: one per kind of notification (rule type `event`).',
    input: noInput,
    output: z.object({ rules: z.array(Rule) }),
  }),
  toggle: own('notifications.rules.toggle', {
    summary: 'Switches one rule on or off for the caller, keeping its channel choices. Unknown rule: 404.',
    input: z.object({ ruleType: requiredText(32), ruleId: requiredText(100) }),
    output: Rule,
  }),
  channels: own('notifications.rules.channels', {
    summary: 'The delivery channels and their state: in-app and email; Slack and webhook are not available.',
    input: noInput,
    output: z.object({ channels: z.array(Channel) }),
  }),
};
