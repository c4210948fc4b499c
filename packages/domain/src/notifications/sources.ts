import { billingNotificationSources } from '../billing/notifications.ts';
import { chatNotificationSources } from '../chat/notifications.ts';
import { pipelineNotificationSources } from '../pipeline/notifications.ts';
import { teamNotificationSources } from '../teams/notifications.ts';
import type { NotificationSource } from './source.ts';

/**
 * Every kind of notification the platform sends, from every module. Add a module's sources here
 * (one spread per module); the key of each must be unique (a test checks).
 */
export const notificationSources: readonly NotificationSource[] = [
  ...chatNotificationSources,
  ...pipelineNotificationSources,
  ...teamNotificationSources,
  ...billingNotificationSources,
];
