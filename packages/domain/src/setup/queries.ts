import type { Executor } from '@crm/db';
import { sql } from 'kysely';
import { DEFAULT_STAGES } from '../pipeline/stages/decide.ts';
import '../pipeline/stages/tables.ts';
import { tenantRows } from '../shared/rows.ts';
import type { SetupState } from './decide.ts';
import { SETUP_TASKS, type SetupTaskCode, type TaskStatus } from './tasks.ts';
import type { SetupTaskRow } from './tables.ts';
import './tables.ts';

export interface SetupTaskView {
  code: SetupTaskCode;
  title: string;
  description: string;
  autoCheckable: boolean;
  required: boolean;
  status: TaskStatus;
  /** Who set the status last: by hand, or the auto-check; null while pending from the start. */
  source: 'manual' | 'auto_check' | null;
  updatedAt: string | null;
  updatedBy: number | null;
}

export interface SetupView extends SetupState {
  tasks: SetupTaskView[];
  completedAt: Date | null;
  completedBy: number | null;
  version: number;
}

/** The tenant's setup: every task of the catalogue in its order, with its status (pending when never changed). */
export async function getSetup(db: Executor, tenantId: string): Promise<SetupView> {
  const row = await tenantRows(db, tenantId, 'setup_hub').selectAll().executeTakeFirst();
  const stored: Record<string, SetupTaskRow> = row?.tasks ?? {};
  const tasks = SETUP_TASKS.map((t) => {
    const s = stored[t.code];
    return {
      code: t.code,
      title: t.title,
      description: t.description,
      autoCheckable: t.autoCheckable,
      required: t.required,
      status: s?.status ?? 'pending',
      source: s?.source ?? null,
      updatedAt: s?.updated_at ?? null,
      updatedBy: s?.updated_by ?? null,
    };
  });
  return {
    statuses: Object.fromEntries(tasks.map((t) => [t.code, t.status])) as Record<SetupTaskCode, TaskStatus>,
    completed: row?.completed_at != null,
    tasks,
    completedAt: row?.completed_at ?? null,
    completedBy: row?.completed_by ?? null,
    version: Number(row?.version ?? 0),
  };
}

/**
 * Which auto-checkable tasks the tenant's read models show done, in one statement: settings
 * saved, stages other than the defaults, a deal, an organization, a live person, a second user
 * (invited counts), its own SMTP switched on, a member's filled-in business profile, a live API key.
 */
export async function autoCheckFacts(db: Executor, tenantId: string): Promise<Record<SetupTaskCode, boolean>> {
  const [facts, stages] = await Promise.all([
    sql<Record<string, boolean>>`select
      exists(select 1 from org_settings where tenant_id = ${tenantId}) as organization_settings,
      exists(select 1 from crm_deals where tenant_id = ${tenantId}) as create_first_deal,
      exists(select 1 from companies where tenant_id = ${tenantId}) as add_organization,
      exists(select 1 from persons where tenant_id = ${tenantId} and merged_into is null) as add_person,
      (select count(*) from users where tenant_id = ${tenantId}) > 1 as invite_teammate,
      exists(select 1 from email_settings where tenant_id = ${tenantId} and coalesce((smtp->>'enabled')::boolean, false)) as configure_smtp,
      exists(select 1 from business_profiles where tenant_id = ${tenantId} and status = 'completed') as business_profile,
      exists(select 1 from api_keys where tenant_id = ${tenantId} and revoked_at is null) as create_api_key`.execute(db),
    db
      .selectFrom('crm_stages')
      .select(['name', 'color', 'is_won', 'is_lost'])
      .where('tenant_id', '=', tenantId)
      .orderBy('position')
      .execute(),
  ]);
  const customised =
    stages.length !== DEFAULT_STAGES.length ||
    stages.some((s, i) => {
      const d = DEFAULT_STAGES[i]!;
      return s.name !== d.name || s.color !== d.color || s.is_won !== d.is_won || s.is_lost !== d.is_lost;
    });
  return { ...(facts.rows[0] as Record<SetupTaskCode, boolean>), customize_pipeline: customised, review_permissions: false };
}
