/** A tenant's override of one template (migration 0023); id is '<tenant id>:<template key>'. */
export interface NotificationTemplateOverridesTable {
  tenant_id: string;
  id: string;
  template_key: string;
  title: string | null;
  body: string | null;
  email_subject: string | null;
  email_body: string | null;
  updated_by: number | null;
  version: string;
  created_at: Date;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    notification_template_overrides: NotificationTemplateOverridesTable;
  }
}
