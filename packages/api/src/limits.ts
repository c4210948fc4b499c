/**
 * Every size limit of the platform, in one place: what a single request may carry, and how much a
 * single answer may hold. Contracts, REST faces and the server read them from here.
 */
export const LIMITS = {
  /** Request body, on every REST route and on /trpc (413 payload_too_large beyond). */
  bodyBytes: 1024 * 1024,
  /** Nesting of a JSON body (400 json_too_deep beyond). */
  jsonDepth: 32,
  /** Calls in one tRPC HTTP batch (400 beyond); the typed client splits larger batches. */
  trpcBatch: 50,
  /** Page sizes of list endpoints. */
  pageSize: { default: 50, max: 200 },
  /** Duplicates one person merge may fold into its primary (400 beyond): one transaction holds them all. */
  mergeDuplicates: 100,
} as const;
