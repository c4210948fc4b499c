import { type Kysely, type Migration, Migrator } from 'kysely';
import * as m0001 from './0001_platform.ts';
import * as m0002 from './0002_pipeline.ts';
import * as m0003 from './0003_lean_append.ts';
import * as m0004 from './0004_single_statement_append.ts';
import * as m0005 from './0005_group_append.ts';
import * as m0006 from './0006_login_throttle.ts';
import * as m0007 from './0007_mail_outbox.ts';
import * as m0008 from './0008_self_service.ts';
import * as m0009 from './0009_user_lifecycle.ts';
import * as m0011 from './0011_email_settings.ts';
import * as m0013 from './0013_persons_companies.ts';
import * as m0014 from './0014_accounts.ts';
import * as m0015 from './0015_profiles_org_settings.ts';
import * as m0016 from './0016_person_merges.ts';
import * as m0017 from './0017_registry_platform_events.ts';
import * as m0018 from './0018_subject_keys.ts';
import * as m0019 from './0019_credential_state.ts';
import * as m0020 from './0020_notifications.ts';
import * as m0021 from './0021_teams.ts';
import * as m0022 from './0022_notification_preferences.ts';
import * as m0023 from './0023_notification_templates.ts';
import * as m0024 from './0024_chat.ts';
import * as m0025 from './0025_reports_analytics.ts';
import * as m0026 from './0026_business_profile_setup.ts';
import * as m0027 from './0027_billing.ts';
import * as m0028 from './0028_notifications_by_seq.ts';
import * as m0029 from './0029_mail_files.ts';

/** The whole schema history, in order. Code-defined so a build never depends on files on disk. */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_pipeline': m0002,
  '0003_lean_append': m0003,
  '0004_single_statement_append': m0004,
  '0005_group_append': m0005,
  '0006_login_throttle': m0006,
  '0007_mail_outbox': m0007,
  '0008_self_service': m0008,
  '0009_user_lifecycle': m0009,
  '0011_email_settings': m0011,
  '0013_persons_companies': m0013,
  '0014_accounts': m0014,
  '0015_profiles_org_settings': m0015,
  '0016_person_merges': m0016,
  '0017_registry_platform_events': m0017,
  '0018_subject_keys': m0018,
  '0019_credential_state': m0019,
  '0020_notifications': m0020,
  '0021_teams': m0021,
  '0022_notification_preferences': m0022,
  '0023_notification_templates': m0023,
  '0024_chat': m0024,
  '0025_reports_analytics': m0025,
  '0026_business_profile_setup': m0026,
  '0027_billing': m0027,
  '0028_notifications_by_seq': m0028,
  '0029_mail_files': m0029,
};

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? error}`);
  }
}
