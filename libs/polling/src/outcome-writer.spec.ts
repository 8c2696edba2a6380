import { OutcomeWriter } from './outcome-writer';

/** A write that the test finishes by hand, so what waits behind it can be seen. */
function gatedWriter(maxPerWrite: number, maxWaitMs = 60_000, maxInFlight = 1) {
  const writes: number[][] = [];
  const gates: (() => void)[] = [];
  const failNext: { error?: Error } = {};
  const writer = new OutcomeWriter<number>(
    async (items) => {
      writes.push(items);
      await new Promise<void>((resolve) => gates.push(resolve));
      const error = failNext.error;
      failNext.error = undefined;
      if (error) throw error;
    },
    { maxPerWrite, maxWaitMs, maxInFlight },
  );
  const openNext = async () => {
    while (!gates.length) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()!();
  };
  return { writer, writes, openNext, failNext };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('OutcomeWriter', () => {
  it('holds a partial group while more may come, and writes it all at once when closed', async () => {
    const { writer, writes, openNext } = gatedWriter(1000);
    const done = [writer.add([1, 2]), writer.add([3]), writer.add([4, 5])];
    await settle();
    expect(writes).toEqual([]);
    writer.close();
    await openNext();
    await Promise.all(done);
    await writer.idle();
    expect(writes).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('writes a full group at once, and groups what arrives during that write into the next, never above the limit', async () => {
    const { writer, writes, openNext } = gatedWriter(3);
    const done = [writer.add([1]), writer.add([2, 3]), writer.add([4]), writer.add([5, 6, 7, 8]), writer.add([9])];
    await settle();
    // [1, 2, 3] filled a write; the rest came while it ran and goes in full groups, a batch above the limit alone.
    expect(writes).toEqual([[1, 2, 3]]);
    await openNext();
    await openNext();
    await settle();
    expect(writes).toEqual([[1, 2, 3], [4], [5, 6, 7, 8]]);
    // [9] alone is short of a group: it waits for the close, after the write ahead of it.
    writer.close();
    await openNext();
    await openNext();
    await Promise.all(done);
    expect(writes).toEqual([[1, 2, 3], [4], [5, 6, 7, 8], [9]]);
  });

  it('writes a partial group once its oldest item has waited maxWaitMs, without a close', async () => {
    const { writer, writes, openNext } = gatedWriter(1000, 50);
    const first = writer.add([1]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = writer.add([2]);
    expect(writes).toEqual([]);
    await openNext();
    await Promise.all([first, second]);
    expect(writes).toEqual([[1, 2]]);
    const idle = writer.idle();
    await expect(idle).resolves.toBeUndefined();
  });

  it('idle() waits for items still gathering, not only for a write in flight', async () => {
    const { writer, writes, openNext } = gatedWriter(1000, 30);
    void writer.add([7]);
    let idle = false;
    const waiting = writer.idle().then(() => (idle = true));
    await settle();
    expect(idle).toBe(false);
    await openNext();
    await waiting;
    expect(writes).toEqual([[7]]);
  });

  it('runs up to maxInFlight writes side by side, each a full group', async () => {
    const { writer, writes, openNext } = gatedWriter(2, 60_000, 2);
    const done = [writer.add([1, 2]), writer.add([3, 4]), writer.add([5, 6]), writer.add([7])];
    await settle();
    // Two writes started without waiting for each other; the third full group waits for a free slot.
    expect(writes).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await openNext();
    await settle();
    expect(writes).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    writer.close();
    await openNext();
    await openNext();
    await openNext();
    await Promise.all(done);
    await writer.idle();
    expect(writes).toEqual([[1, 2], [3, 4], [5, 6], [7]]);
  });

  it('rejects only the batches of a failed write; later ones still go', async () => {
    const { writer, writes, openNext, failNext } = gatedWriter(2);
    const first = writer.add([1]);
    const second = writer.add([2]);
    const third = writer.add([3]);
    failNext.error = new Error('deadlock detected');
    await openNext();
    await expect(first).rejects.toThrow('deadlock detected');
    await expect(second).rejects.toThrow('deadlock detected');
    writer.close();
    failNext.error = new Error('connection lost');
    await openNext();
    await expect(third).rejects.toThrow('connection lost');
    const fourth = writer.add([4]);
    await openNext();
    await expect(fourth).resolves.toBeUndefined();
    expect(writes).toEqual([[1, 2], [3], [4]]);
  });
});
