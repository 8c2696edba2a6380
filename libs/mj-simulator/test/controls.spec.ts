import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Task } from '@app/mj-protocol';
import { PNG } from 'pngjs';
import { PNG_MAGIC, Sim, call, sleep } from './helpers';

describe('mj-simulator: global faults', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await Sim.start({ taskMs: 300, faults: 'http500=1' });
  });
  afterEach(() => sim.handle.setFaults(''));
  afterAll(() => sim.close());

  it('http500=1 answers a Spring error JSON with HTTP 500 on /mj routes only', async () => {
    const answer = await sim.call('/mj/task/list-by-condition', { body: { ids: [] } });
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({
      timestamp: expect.any(String),
      status: 500,
      error: 'Internal Server Error',
      path: '/mj/task/list-by-condition',
    });
    expect((await sim.call('/sim/health')).status).toBe(200);
  });

  it('garbage=1 answers 200 with a body that is not JSON; empty=1 answers 200 with no body', async () => {
    sim.handle.setFaults('garbage=1');
    for (let i = 0; i < 5; i++) {
      const answer = await sim.call('/mj/submit/imagine', { body: { prompt: 'cat' } });
      expect(answer.status).toBe(200);
      expect(() => JSON.parse(answer.text)).toThrow();
    }
    sim.handle.setFaults('empty=1');
    expect(await sim.call('/mj/task/list')).toMatchObject({ status: 200, text: '' });
  });

  it('floattimes=1 emits task times as floats', async () => {
    const id = await sim.imagine('cat');
    sim.handle.setFaults('floattimes=1');
    const answer = await sim.call('/mj/task/list-by-condition', { body: { ids: [id] } });
    expect(answer.text).toMatch(/"submitTime":\d+\.5,/);
    const [task] = answer.json as Task[];
    expect(Number.isInteger(task.submitTime)).toBe(false);
  });

  it('delay adds latency to /mj answers; faults are settable over HTTP', async () => {
    const config = await sim.call('/sim/config', { body: { faults: 'delay=250' } });
    expect(config.json).toMatchObject({ faults: { delay: 250, http500: 0 } });
    const started = Date.now();
    expect((await sim.call('/mj/task/list')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect((await sim.call('/sim/config', { body: { faults: 'http500=2' } })).status).toBe(400);
    expect(() => sim.handle.setFaults('teapot=1')).toThrow(/teapot/);
  });
});

describe('mj-simulator: test controls and notify hooks', () => {
  let sim: Sim;
  let hookServer: Server;
  let hookUrl: string;
  const received: Task[] = [];

  beforeAll(async () => {
    sim = await Sim.start({ taskMs: 400, secret: 'sk-ctl' });
    hookServer = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        expect(request.headers['content-type']).toBe('application/json');
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Task);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/notify`;
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((resolve) => hookServer.close(resolve));
  });

  it('forget() and POST /sim/forget drop tasks as an OSS restart does', async () => {
    const a = await sim.imagine('a');
    const b = await sim.imagine('b');
    sim.handle.forget([a]);
    expect((await sim.call(`/mj/task/${a}/fetch`)).text).toBe('');
    expect(((await sim.call('/mj/task/list-by-condition', { body: { ids: [a, b] } })).json as Task[]).map((t) => t.id)).toEqual([b]);
    expect((await sim.call('/sim/forget', { method: 'POST' })).json).toEqual({ tasks: 0 });
    expect((await sim.call(`/mj/task/${b}/fetch`)).text).toBe('');
  });

  it('deleteMedia() makes the task image answer 404', async () => {
    const { task } = await sim.finished(await sim.imagine('to delete'));
    expect((await call(task.imageUrl as string)).status).toBe(200);
    sim.handle.deleteMedia(task.id);
    expect((await call(task.imageUrl as string)).status).toBe(404);

    const other = (await sim.finished(await sim.imagine('to delete over http'))).task;
    expect((await sim.call(`/sim/media/${other.id}/delete`, { method: 'POST' })).status).toBe(204);
    expect((await call(other.imageUrl as string)).status).toBe(404);
  });

  it('POSTs the exact Task JSON to the notify hook once on every state change', async () => {
    received.length = 0;
    const id = await sim.imagine('notify me', { notifyHook: hookUrl, state: 'st-1' });
    const { task } = await sim.finished(id);
    await sleep(100);
    const mine = received.filter((t) => t.id === id);
    // Sent one by one, but like OSS's pool they may arrive out of order: compare as sets.
    expect(mine.map((t) => `${t.status}:${t.progress}`).sort()).toEqual(
      [
        'SUBMITTED:0%',
        'IN_PROGRESS:0%',
        'IN_PROGRESS:15%',
        'IN_PROGRESS:31%',
        'IN_PROGRESS:46%',
        'IN_PROGRESS:62%',
        'IN_PROGRESS:78%',
        'IN_PROGRESS:93%',
        'SUCCESS:100%',
      ].sort(),
    );
    expect(mine.find((t) => t.status === 'SUCCESS')).toEqual(task);
    expect(task.properties.notifyHook).toBe(hookUrl);

    received.length = 0;
    const failed = await sim.imagine('x --sim-dispatch-fail', { notifyHook: hookUrl });
    await sim.finished(failed);
    await sleep(100);
    expect(received.map((t) => t.status)).toEqual(['FAILURE']);
    expect(sim.handle.stats().notify.sent).toBeGreaterThanOrEqual(10);
  });

  it('ignores a notify hook that does not answer', async () => {
    const id = await sim.imagine('nobody listens', { notifyHook: 'http://127.0.0.1:1/hook' });
    expect((await sim.finished(id)).task.status).toBe('SUCCESS');
    await sleep(50);
    expect(sim.handle.stats().notify.failed).toBeGreaterThan(0);
  });

  it('serves /sim/blob/<bytes>.png: a valid noise PNG of about that size, the same bytes on each call', async () => {
    for (const size of [100, 50_000, 3_000_000]) {
      const blob = await call(`${sim.url}/sim/blob/${size}.png`);
      expect(blob.headers['content-type']).toBe('image/png');
      expect(blob.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
      expect(Math.abs(blob.bytes.length - size) / size).toBeLessThan(0.05);
      expect(() => PNG.sync.read(blob.bytes)).not.toThrow();
    }
    const again = await call(`${sim.url}/sim/blob/50000.png`);
    expect(again.bytes.equals((await call(`${sim.url}/sim/blob/50000.png`)).bytes)).toBe(true);
    expect((await call(`${sim.url}/sim/blob/0.png`)).status).toBe(400);
  });

  it('counts requests per route and keeps stats over HTTP behind the secret', async () => {
    const before = sim.handle.stats().routes['GET /mj/task/{id}/fetch']?.count ?? 0;
    await sim.call('/mj/task/1/fetch');
    const stats = sim.handle.stats();
    expect(stats.routes['GET /mj/task/{id}/fetch']).toEqual({ count: before + 1, lastSecret: 'sk-ctl', lastSpeed: null });
    expect((await call(`${sim.url}/sim/stats`)).status).toBe(401);
    expect((await sim.call('/sim/stats')).json).toMatchObject({ total: expect.any(Number), routes: expect.any(Object) });
  });
});
