/**
 * A queue served by at most `lanes` turns at once: whenever a turn ends and work is waiting,
 * another starts. Group commit builds on it twice (units of work in TenantGroups, appends in the
 * event store's AppendGroups); each says what one turn takes from the queue and does with it.
 */
export abstract class LaneQueue<W> {
  protected readonly queue: W[] = [];
  private busy = 0;

  protected constructor(private readonly lanes: number) {}

  protected enqueue(work: W): void {
    this.queue.push(work);
    this.pump();
  }

  /** One lane's turn: take work from the queue (at least one item is waiting) and do it. */
  protected abstract turn(): Promise<void>;

  private pump(): void {
    while (this.busy < this.lanes && this.queue.length > 0) {
      this.busy++;
      void this.turn().finally(() => {
        this.busy--;
        this.pump();
      });
    }
  }
}
