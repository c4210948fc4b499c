import './tables.ts';
export * from './events.ts';
export * from './decide.ts';
export type { ChatChannelsTable, ChatMembersTable, ChatMessagesTable } from './tables.ts';
export { chatChannelsProjection, chatMembersProjection, chatMessagesProjection, chatProjections } from './projection.ts';
export * from './queries.ts';
export * from './commands.ts';
export { chatNotificationSources } from './notifications.ts';
