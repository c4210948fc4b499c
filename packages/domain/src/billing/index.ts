import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export type { BillingAccountsTable, BillingWebhookEventsTable } from './tables.ts';
export { billingAccountsProjection } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
export { billingNotificationSources } from './notifications.ts';
