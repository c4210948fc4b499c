// autocannon ships no types and @types/autocannon is not installed; load-worker.ts uses this much.
declare module 'autocannon' {
  interface Instance extends PromiseLike<Record<string, any>> {
    on(event: 'response', fn: (client: unknown, status: number, resBytes: number, ms: number) => void): void;
    on(event: 'reqError', fn: (error: Error & { code?: string }) => void): void;
    stop(): void;
  }
  export default function autocannon(opts: Record<string, unknown>): Instance;
}
