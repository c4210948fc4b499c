import type { Logger } from './services.ts';

/**
 * A worker's polling loop: runs `step` every `everyMs` until stop() (which waits for the step in
 * flight). A step may answer how long to wait before the next one instead (0: at once, it left
 * work behind). A failed step is logged and the loop goes on. The step itself is what tests call.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly step: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** Runs the step now rather than at the next poll (unless one is running). */
  wake(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.step()
        .catch((error) => this.log.error(`${this.name} failed`, { error: (error as Error).message }))
        .then((next) => {
          this.running = undefined;
          if (!this.stopped) this.schedule(typeof next === 'number' ? next : this.everyMs);
        });
    }, ms);
    this.timer.unref?.();
  }
}

/** A background worker driven by one PollingLoop: starting and stopping it is its loop's. */
export abstract class PolledWorker {
  protected abstract readonly loop: PollingLoop;

  start(): void {
    this.loop.start();
  }

  /** Stops polling and waits for the step in flight. */
  stop(): Promise<void> {
    return this.loop.stop();
  }
}
