/** Commands take time from here so tests can pin it. Projections never read it: they use event time. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
