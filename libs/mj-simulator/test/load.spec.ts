import type { Task } from '@app/mj-protocol';
import { Agent, request } from 'undici';
import { Sim } from './helpers';

const TASKS = 10_000;

describe('mj-simulator: 10,000 active tasks', () => {
  let sim: Sim;
  beforeAll(async () => {
    // Long enough for the tasks to be still running while we measure, short enough that they move.
    sim = await Sim.start({ taskMs: 20_000, coreSize: TASKS, queueSize: 0 });
  });
  afterAll(() => sim.close());

  it('accepts 10,000 submits and answers a 100-id list-by-condition quickly', async () => {
    const dispatcher = new Agent({ connections: 32 });
    const ids: string[] = [];
    let next = 0;
    const submitStarted = Date.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < TASKS) {
          const i = next++;
          const response = await request(`${sim.url}/mj/submit/imagine`, {
            method: 'POST',
            dispatcher,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ prompt: `load ${i} --ar 3:2` }),
          });
          ids.push(((await response.body.json()) as { result: string }).result);
        }
      }),
    );
    const submitMs = Date.now() - submitStarted;
    expect(new Set(ids).size).toBe(TASKS);
    expect(sim.handle.tasks.size).toBe(TASKS);
    expect(sim.handle.stats().waiting).toBe(0);
    const active = [...sim.handle.tasks.values()].filter((task) => task.status !== 'SUCCESS').length;

    const sample = Array.from({ length: 100 }, (_, i) => ids[(i * 97) % TASKS]);
    const timings: number[] = [];
    for (let round = 0; round < 20; round++) {
      const started = performance.now();
      const response = await request(`${sim.url}/mj/task/list-by-condition`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids: sample }),
      });
      const tasks = (await response.body.json()) as Task[];
      timings.push(performance.now() - started);
      expect(tasks).toHaveLength(100);
    }
    await dispatcher.close();
    timings.sort((a, b) => a - b);
    const median = timings[timings.length >> 1];
    console.log(
      `10,000 tasks submitted over HTTP in ${submitMs} ms (${active} still active while measuring); ` +
        `100-id list-by-condition round trip over 20 calls: min ${timings[0].toFixed(2)} ms, ` +
        `median ${median.toFixed(2)} ms, max ${timings[timings.length - 1].toFixed(2)} ms`,
    );
    expect(median).toBeLessThan(200);
  }, 120_000);
});
