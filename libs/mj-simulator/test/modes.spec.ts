import type { Task } from '@app/mj-protocol';
import { PNG_MAGIC, Sim, call, sleep } from './helpers';

const TASK_MS = 300;

describe('mj-simulator: edge cases switched by --sim-* tokens and SIM_MODES', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await Sim.start({ taskMs: TASK_MS, coreSize: 50, queueSize: 50 });
  });
  afterEach(() => sim.handle.setModes([]));
  afterAll(() => sim.close());

  it('--sim-fail: FAILURE with a realistic reason, progress "" and finishTime; the prompt is kept, promptEn stripped', async () => {
    const id = await sim.imagine('a fox --sim-fail --ar 1:1');
    const { task, seen } = await sim.finished(id);
    expect(task).toMatchObject({
      status: 'FAILURE',
      progress: '',
      imageUrl: null,
      prompt: 'a fox --sim-fail --ar 1:1',
      promptEn: 'a fox --ar 1:1',
    });
    expect(task.failReason).toMatch(/^\[[A-Za-z ]+\] .+|^Failed to process your command/);
    expect(Number.isInteger(task.finishTime)).toBe(true);
    expect(seen.some((t) => t.status === 'IN_PROGRESS' && t.progress !== '0%')).toBe(true);
  });

  it('--sim-silent-fail: FAILURE with an empty failReason', async () => {
    const { task } = await sim.finished(await sim.imagine('a fox --sim-silent-fail'));
    expect(task).toMatchObject({ status: 'FAILURE', failReason: '', progress: '' });
  });

  it('--sim-banned: code 24 at submit with promptEn and bannedWord, and no task', async () => {
    const size = sim.handle.tasks.size;
    const vo = await sim.submit('imagine', { prompt: 'Forbidden fruit --sim-banned' });
    expect(vo).toEqual({
      code: 24,
      description: '可能包含敏感词',
      result: null,
      properties: { promptEn: 'Forbidden fruit', bannedWord: 'Forbidden' },
    });
    expect(sim.handle.tasks.size).toBe(size);
  });

  it('--sim-banned-late: accepted, then FAILURE 可能包含敏感词', async () => {
    const vo = await sim.submit('imagine', { prompt: 'a fox --sim-banned-late' });
    expect(vo.code).toBe(1);
    expect((await sim.finished(vo.result as string)).task).toMatchObject({ status: 'FAILURE', failReason: '可能包含敏感词', progress: '' });
  });

  it('--sim-hang stays IN_PROGRESS at 46% and --sim-hang-submitted stays SUBMITTED at 0%', async () => {
    const hang = await sim.imagine('a fox --sim-hang');
    const stuck = await sim.imagine('a fox --sim-hang-submitted');
    await sleep(TASK_MS * 3);
    expect(await sim.fetch(hang)).toMatchObject({ status: 'IN_PROGRESS', progress: '46%', finishTime: null });
    expect(await sim.fetch(stuck)).toMatchObject({ status: 'SUBMITTED', progress: '0%', finishTime: null });
  });

  it('--sim-lost: accepted, then gone from fetch and list-by-condition', async () => {
    const id = await sim.imagine('a fox --sim-lost');
    expect(sim.handle.tasks.has(id)).toBe(true);
    await sleep(TASK_MS * 2);
    expect((await sim.call(`/mj/task/${id}/fetch`)).text).toBe('');
    expect((await sim.call('/mj/task/list-by-condition', { body: { ids: [id] } })).text).toBe('[]');
  });

  it('--sim-queue-full gives code 23 and --sim-no-account gives code 3', async () => {
    expect(await sim.submit('imagine', { prompt: 'x --sim-queue-full' })).toEqual({
      code: 23,
      description: '队列已满，请稍后尝试',
      result: null,
      properties: { discordInstanceId: expect.any(String) },
    });
    expect(await sim.submit('imagine', { prompt: 'x --sim-no-account' })).toEqual({
      code: 3,
      description: '无可用的账号实例',
      result: null,
      properties: {},
    });
  });

  it('--sim-slow takes about ten times longer', async () => {
    const slow = await sim.imagine('a fox --sim-slow');
    const normal = await sim.imagine('a fox');
    await sim.until(normal, (t) => t.status === 'SUCCESS');
    await sleep(TASK_MS);
    expect((await sim.fetch(slow))?.status).not.toBe('SUCCESS');
    const { task } = await sim.until(slow, (t) => t.status === 'SUCCESS', TASK_MS * 15);
    expect((task.finishTime as number) - (task.startTime as number)).toBeGreaterThan(TASK_MS * 8);
  });

  it('--sim-evil-content serves the image as text/html with a script', async () => {
    const { task } = await sim.finished(await sim.imagine('a fox --sim-evil-content'));
    const image = await call(task.imageUrl as string);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toMatch(/^text\/html/);
    expect(image.text).toContain('<script>');
  });

  it('--sim-v7 adds imageUrls: four distinct single PNGs', async () => {
    const { task } = await sim.finished(await sim.imagine('a fox --sim-v7'));
    expect(task.status).toBe('SUCCESS');
    expect(task.imageUrls).toHaveLength(4);
    const urls = (task.imageUrls ?? []).map((image) => image.url);
    expect(new Set(urls).size).toBe(4);
    const images = await Promise.all(urls.map((url) => call(url)));
    images.forEach((image) => expect(image.bytes.subarray(0, 8)).toEqual(PNG_MAGIC));
    expect(new Set(images.map((image) => image.bytes.toString('base64'))).size).toBe(4);
    const plain = (await sim.finished(await sim.imagine('a fox'))).task;
    expect(plain.imageUrls).toBeUndefined();
  });

  it('--sim-dispatch-fail goes straight to FAILURE with startTime = finishTime', async () => {
    const { task, seen } = await sim.finished(await sim.imagine('a fox --sim-dispatch-fail'));
    expect(task).toMatchObject({ status: 'FAILURE', progress: '' });
    expect(task.failReason).toBeTruthy();
    expect(task.startTime).toBe(task.finishTime);
    expect(seen.map((t: Task) => t.status)).not.toContain('SUBMITTED');
  });

  it('applies modes globally through setModes and POST /sim/config', async () => {
    sim.handle.setModes(['fail']);
    expect((await sim.finished(await sim.imagine('plain prompt'))).task.status).toBe('FAILURE');
    sim.handle.setModes([]);
    expect((await sim.finished(await sim.imagine('plain prompt'))).task.status).toBe('SUCCESS');

    const config = await sim.call('/sim/config', { body: { modes: ['no-account'] } });
    expect(config.json).toMatchObject({ modes: ['no-account'] });
    expect((await sim.submit('describe', { base64: 'data:image/png;base64,AAAA' })).code).toBe(3);
    expect((await sim.call('/sim/config', { body: { modes: ['nope'] } })).status).toBe(400);
    expect(() => sim.handle.setModes(['nope'])).toThrow(/nope/);
  });
});
