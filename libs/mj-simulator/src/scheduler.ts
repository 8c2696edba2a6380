interface Entry {
  at: number;
  id: string;
  seq: number;
}

/**
 * One timer for every task: a min-heap of due times and a single setTimeout armed for the earliest.
 * Stale entries are not removed; the receiver checks `seq` against the task's current one.
 */
export class Scheduler {
  private heap: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(private readonly fire: (id: string, seq: number) => void) {}

  get size(): number {
    return this.heap.length;
  }

  schedule(id: string, seq: number, at: number): void {
    this.push({ at, id, seq });
    if (at < this.timerAt) this.arm();
  }

  clear(): void {
    this.heap = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    if (this.heap.length === 0) return;
    this.timerAt = this.heap[0].at;
    this.timer = setTimeout(this.run, Math.max(0, this.timerAt - Date.now()));
  }

  private readonly run = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    const now = Date.now();
    while (this.heap.length > 0 && this.heap[0].at <= now) {
      const entry = this.pop();
      this.fire(entry.id, entry.seq);
    }
    this.arm();
  };

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].at <= entry.at) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as Entry;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const child = left + 1 < heap.length && heap[left + 1].at < heap[left].at ? left + 1 : left;
        if (heap[child].at >= last.at) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
