export interface OutcomeWriterOptions {
  /** Items in one write at most; a single add larger than this goes alone. */
  maxPerWrite: number;
  /** How long the first waiting item may wait for others before a write starts anyway. */
  maxWaitMs: number;
  /** Writes running at once (each on its own connection): one is prepared and sent while another runs. */
  maxInFlight: number;
}

/**
 * Group writes of one pass. Batches answer side by side; their outcomes wait until `maxPerWrite` of them are ready,
 * no more are coming (`close()`), or the oldest has waited `maxWaitMs`, and then go in one write, while the next
 * group gathers (and is written beside it, up to `maxInFlight` writes). A pass of 100 batches that changes every
 * task writes in about ten full statements instead of many small ones (each statement of `tasks` runs its counter
 * triggers, the poll schedule and the events once, whatever its size); no answer waits longer than `maxWaitMs` plus
 * the writes ahead of it.
 */
export class OutcomeWriter<T> {
  /** `at`: when the items arrived (performance.now()). */
  private readonly waiting: { items: T[]; at: number; done: (error?: unknown) => void }[] = [];
  private size = 0;
  private closed = false;
  private readonly writing = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly options: OutcomeWriterOptions,
  ) {}

  /** Resolves once these items are written (or rejects with the error of the write that carried them). */
  add(items: T[]): Promise<void> {
    if (!items.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, at: performance.now(), done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.size += items.length;
      this.kick();
    });
  }

  /** No more items are coming: what waits is written now. */
  close(): void {
    this.closed = true;
    this.kick();
  }

  /** Resolves once every item added so far is written or has failed (never rejects: `add` reports failures). */
  async idle(): Promise<void> {
    while (this.writing.size || this.waiting.length) {
      if (this.writing.size) await Promise.all(this.writing);
      // Items that wait for their gathering time have no write yet: one starts when their time is up.
      else await new Promise((resolve) => setTimeout(resolve, this.dueInMs()));
    }
  }

  private dueInMs(): number {
    return Math.max(0, this.waiting[0].at + this.options.maxWaitMs - performance.now());
  }

  /** Starts writes while groups are due and a slot is free, or sets the timer for the oldest item's deadline. */
  private kick(): void {
    clearTimeout(this.timer);
    while (this.waiting.length && this.writing.size < this.options.maxInFlight) {
      const due = this.closed || this.size >= this.options.maxPerWrite || this.dueInMs() === 0;
      if (!due) {
        this.timer = setTimeout(() => this.kick(), this.dueInMs());
        return;
      }
      const write = this.writeGroup().finally(() => {
        this.writing.delete(write);
        this.kick();
      });
      this.writing.add(write);
    }
  }

  /** Writes the next group: the waiting batches in order, up to `maxPerWrite` items (a larger batch alone). */
  private async writeGroup(): Promise<void> {
    const group = [this.waiting.shift()!];
    let size = group[0].items.length;
    while (this.waiting.length && size + this.waiting[0].items.length <= this.options.maxPerWrite) {
      size += this.waiting[0].items.length;
      group.push(this.waiting.shift()!);
    }
    this.size -= size;
    try {
      await this.write(group.flatMap((entry) => entry.items));
      for (const entry of group) entry.done();
    } catch (error) {
      for (const entry of group) entry.done(error ?? new Error('write failed'));
    }
  }
}
