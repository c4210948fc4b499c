import type { NotificationSource } from './source.ts';

/**
 * Every kind of notification the platform sends, from every module. Add a module's sources here
 * (one spread per module); the key of each must be unique (a test checks).
 */
export const notificationSources: readonly NotificationSource[] = [];
