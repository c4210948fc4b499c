import type { Kysely, Transaction } from 'kysely';

/**
 * The whole schema as Kysely sees it. It starts empty: each module declares its own tables next to
 * the queries that use them, by augmenting this interface (`declare module '@crm/db'`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Database {}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Anything a query can run on: the pool or an open transaction. */
export type Executor = Kysely<Database>;
