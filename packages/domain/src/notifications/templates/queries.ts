import type { Executor } from '@crm/db';
import type { StreamRef } from '@crm/eventstore';
import { sql } from 'kysely';
import { DomainError } from '../../shared/errors.ts';
import type { NotificationSource } from '../source.ts';
import { notificationSources } from '../sources.ts';
import type { TemplateOverride } from './render.ts';
import type { NotificationTemplateOverridesTable } from './tables.ts';
import './tables.ts';

/** Every notification source, each with its system template. */
export const allTemplateSources = (): readonly NotificationSource[] => notificationSources;

/** A template's id is its source's key: readable, stable across releases, the preferences' eventKey. */
export function templateSource(key: string): NotificationSource {
  const source = notificationSources.find((s) => s.key === key);
  if (!source) throw new DomainError('not_found', 'template_not_found', `notification template ${key} not found`);
  return source;
}

export const overrideOf = (row: NotificationTemplateOverridesTable): TemplateOverride => ({
  title: row.title,
  body: row.body,
  emailSubject: row.email_subject,
  emailBody: row.email_body,
});

export async function findOverrideRow(
  db: Executor,
  tenantId: string,
  key: string,
): Promise<NotificationTemplateOverridesTable | undefined> {
  return db
    .selectFrom('notification_template_overrides')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('template_key', '=', key)
    .executeTakeFirst();
}

/** The tenant's override of a template, or null when it uses the system's. */
export async function findOverride(db: Executor, tenantId: string, key: string): Promise<TemplateOverride | null> {
  const row = await findOverrideRow(db, tenantId, key);
  return row ? overrideOf(row) : null;
}

/** Every override of the tenant, by template key. */
export async function overridesOf(db: Executor, tenantId: string): Promise<Map<string, NotificationTemplateOverridesTable>> {
  const rows = await db.selectFrom('notification_template_overrides').selectAll().where('tenant_id', '=', tenantId).execute();
  return new Map(rows.map((r) => [r.template_key, r]));
}

/**
 * A stream's version, locked until commit: two writers of one stream queue instead of racing. The
 * lock is an advisory one on the stream's name, so it holds before the stream's first event too
 * (a row lock would lock nothing there, and the second first writer would fail its append).
 */
export async function lockedVersion(db: Executor, tenantId: string, stream: StreamRef): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}:stream:${stream.type}/${stream.id}`}, 0))`.execute(db);
  const { rows } = await sql<{ version: string }>`select version from es_streams
    where tenant_id = ${tenantId} and stream_type = ${stream.type} and stream_id = ${stream.id}`.execute(db);
  return Number(rows[0]?.version ?? 0);
}
