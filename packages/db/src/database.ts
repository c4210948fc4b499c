import type { Kysely } from 'kysely';

/**
 * The whole schema as Kysely sees it. It starts empty: each module declares its own tables next to
 * the queries that use them, by augmenting this interface (`declare module '@crm/db'`).
 */
// biome-ignore lint/suspicious/noEmptyInterface: each module adds its tables by declaration merging
export interface Database {}

export type Db = Kysely<Database>;
/** An open transaction on one connection (queries run in it; it is committed by whoever opened it). */
export type Tx = Kysely<Database>;
/** Anything a query can run on: the pool or an open transaction. */
export type Executor = Kysely<Database>;
