import type { CommandContext } from '../shared/command.ts';
import { appendDecided } from '../shared/command.ts';
import { lockKey } from '../shared/command.ts';
import { dismiss, markAllRead, markRead, type PreferenceChange, setDnd, setPreference, toggleRule } from './decide.ts';
import { type InboxEvent, inboxStream, type PreferenceEvent, preferencesStream } from './events.ts';
import type { Dnd, Preferences } from './preferences.ts';
import { inboxItem, preferencesOf, unreadCount } from './queries.ts';
import { notificationSources } from './sources.ts';
import type { NotificationSource } from './source.ts';

// The user's own commands on their notifications and settings; the actor is always the user.

function me(ctx: CommandContext): number {
  if (ctx.userId === null) throw new Error('notification commands need a user');
  return ctx.userId;
}

/** The inbox stream has no read model with its version: appended at whatever version it is at, under a lock per user. */
async function appendToInbox(ctx: CommandContext, events: InboxEvent[]) {
  if (events.length === 0) return;
  await ctx.store.append(ctx.tx, ctx.tenantId, inboxStream(me(ctx)), 'any', events, ctx.metadata);
}

export async function readNotification(ctx: CommandContext, id: string): Promise<void> {
  await appendToInbox(ctx, markRead(await inboxItem(ctx.tx, ctx.tenantId, me(ctx), id), id));
}

export async function readAllNotifications(ctx: CommandContext): Promise<void> {
  await appendToInbox(ctx, markAllRead(await unreadCount(ctx.tx, ctx.tenantId, me(ctx))));
}

export async function dismissNotification(ctx: CommandContext, id: string): Promise<void> {
  await appendToInbox(ctx, dismiss(await inboxItem(ctx.tx, ctx.tenantId, me(ctx), id), id));
}

async function changePreferences(ctx: CommandContext, decide: (prefs: Preferences) => PreferenceEvent[]): Promise<Preferences> {
  const userId = me(ctx);
  await lockKey(ctx, 'notification.preferences', String(userId));
  const prefs = await preferencesOf(ctx.tx, ctx.tenantId, userId);
  await appendDecided(ctx, preferencesStream(userId), prefs.version, decide(prefs));
  return preferencesOf(ctx.tx, ctx.tenantId, userId);
}

export const setNotificationPreference = (
  ctx: CommandContext,
  change: PreferenceChange,
  sources: readonly NotificationSource[] = notificationSources,
) => changePreferences(ctx, (prefs) => setPreference(prefs, change, sources));

export const toggleNotificationRule = (
  ctx: CommandContext,
  ruleType: string,
  ruleId: string,
  sources: readonly NotificationSource[] = notificationSources,
) => changePreferences(ctx, (prefs) => toggleRule(prefs, ruleType, ruleId, sources));

export const setDoNotDisturb = (ctx: CommandContext, dnd: Dnd) => changePreferences(ctx, (prefs) => setDnd(prefs, dnd));
