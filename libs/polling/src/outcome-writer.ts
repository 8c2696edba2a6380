/**
 * Group writes of one pass: batches answer side by side, and while one write is in flight the outcomes of the batches
 * that answered meanwhile wait and then go together, up to `maxPerWrite`. A pass of 100 batches writes in a few large
 * statements instead of 100 small ones (each statement of `tasks` runs its counter triggers once, whatever its size);
 * nothing waits longer than the write ahead of it.
 */
export class OutcomeWriter<T> {
  private readonly waiting: { items: T[]; done: (error?: unknown) => void }[] = [];
  private writing = false;
  /** The drain in progress (or the last one): it settles once every item added before it finished is written. */
  private drained: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxPerWrite: number,
  ) {}

  /** Resolves once these items are written (or rejects with the error of the write that carried them). */
  add(items: T[]): Promise<void> {
    if (!items.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writing) this.drained = this.drain();
    });
  }

  /** Resolves once every item added so far is written or has failed (never rejects: `add` reports failures). */
  idle(): Promise<void> {
    return this.drained;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length) {
      const group = [this.waiting.shift()!];
      let size = group[0].items.length;
      while (this.waiting.length && size + this.waiting[0].items.length <= this.maxPerWrite) {
        size += this.waiting[0].items.length;
        group.push(this.waiting.shift()!);
      }
      try {
        await this.write(group.flatMap((entry) => entry.items));
        for (const entry of group) entry.done();
      } catch (error) {
        for (const entry of group) entry.done(error ?? new Error('write failed'));
      }
    }
    this.writing = false;
  }
}
