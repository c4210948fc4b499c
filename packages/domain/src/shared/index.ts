export * from './errors.ts';
export * from './clock.ts';
export type { CommandContext } from './command.ts';
