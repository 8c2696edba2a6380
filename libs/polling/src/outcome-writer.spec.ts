import { OutcomeWriter } from './outcome-writer';

/** A write that the test finishes by hand, so what waits behind it can be seen. */
function gatedWriter(maxPerWrite: number) {
  const writes: number[][] = [];
  const gates: (() => void)[] = [];
  const failNext: { error?: Error } = {};
  const writer = new OutcomeWriter<number>(async (items) => {
    writes.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    const error = failNext.error;
    failNext.error = undefined;
    if (error) throw error;
  }, maxPerWrite);
  const openNext = async () => {
    while (!gates.length) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()!();
  };
  return { writer, writes, openNext, failNext };
}

describe('OutcomeWriter', () => {
  it('writes the first batch at once and groups what arrives meanwhile into the next write, in order', async () => {
    const { writer, writes, openNext } = gatedWriter(1000);
    const done = [writer.add([1, 2]), writer.add([3]), writer.add([4, 5])];
    await openNext();
    await openNext();
    await Promise.all(done);
    expect(writes).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('never puts more than its limit in one write (a batch larger than the limit goes alone)', async () => {
    const { writer, writes, openNext } = gatedWriter(3);
    const done = [writer.add([1]), writer.add([2, 3]), writer.add([4]), writer.add([5, 6, 7, 8]), writer.add([9])];
    for (let i = 0; i < 4; i++) await openNext();
    await Promise.all(done);
    expect(writes).toEqual([[1], [2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('rejects only the batches of a failed write; later ones still go', async () => {
    const { writer, writes, openNext, failNext } = gatedWriter(1000);
    const first = writer.add([1]);
    const second = writer.add([2]);
    const third = writer.add([3]);
    failNext.error = new Error('deadlock detected');
    await openNext();
    await expect(first).rejects.toThrow('deadlock detected');
    failNext.error = new Error('connection lost');
    await openNext();
    await expect(second).rejects.toThrow('connection lost');
    await expect(third).rejects.toThrow('connection lost');
    const fourth = writer.add([4]);
    await openNext();
    await expect(fourth).resolves.toBeUndefined();
    expect(writes).toEqual([[1], [2, 3], [4]]);
  });
});
