/**
 * The app never queries as the owner of the tables. Two roles, created by the first migration:
 * - crm_app: row-level security applies; every tenant transaction sets app.tenant_id.
 * - crm_system: BYPASSRLS, for the few cross-tenant paths (tenant lookup by slug at login, async
 *   projection workers, the analysts' CLI). Taken with SET LOCAL ROLE, so it ends with the transaction.
 * Migrations and projection rebuilds (DDL) run as the connecting user, who owns the tables.
 */
export const APP_ROLE = 'crm_app';
export const SYSTEM_ROLE = 'crm_system';
