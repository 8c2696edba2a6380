import type { Task } from '@app/mj-protocol';
import { DATA_URL, Sim, call } from './helpers';

describe('mj-simulator: protocol answers', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await Sim.start({ secret: 'sk-sim', taskMs: 400 });
  });
  afterAll(() => sim.close());

  it('answers 401 with an empty body for a missing or wrong mj-api-secret, and records the secret per route', async () => {
    for (const headers of [{}, { 'mj-api-secret': 'wrong' }] as Record<string, string>[]) {
      const answer = await call(`${sim.url}/mj/submit/imagine`, { body: { prompt: 'cat' }, headers });
      expect(answer).toMatchObject({ status: 401, text: '' });
      expect((await call(`${sim.url}/mj/task/list-by-condition`, { body: { ids: [] }, headers })).status).toBe(401);
    }
    expect((await call(`${sim.url}/sim/config`, { body: { taskMs: 400 } })).status).toBe(401);
    await sim.call('/mj/task/list-by-condition', { body: { ids: [] } });
    const stats = sim.handle.stats();
    expect(stats.routes['POST /mj/task/list-by-condition']).toEqual({ count: 3, lastSecret: 'sk-sim', lastSpeed: null });
    expect(stats.routes['POST /mj/submit/imagine']).toMatchObject({ count: 2, lastSecret: 'wrong' });
  });

  it('answers an unknown id with HTTP 200 and an empty body', async () => {
    const answer = await sim.call('/mj/task/1712345678901234/fetch');
    expect(answer).toMatchObject({ status: 200, text: '' });
  });

  it('ignores bodies on GET (new-api sends image-seed with the literal body null)', async () => {
    const answer = await sim.call('/mj/task/1712345678901234/image-seed', { method: 'GET', body: 'null' });
    expect(answer.json).toEqual({ code: 3, description: '任务不存在', result: null });
    expect((await sim.call('/mj/task/1712345678901234/fetch')).status).toBe(200);
  });

  it('omits unknown ids from list-by-condition and answers [] to {} and {"ids":null}', async () => {
    const a = await sim.imagine('one');
    const b = await sim.imagine('two');
    const answer = await sim.call('/mj/task/list-by-condition', { body: { ids: [a, 'nonexistent', b, '1712345678901234'] } });
    expect((answer.json as Task[]).map((t) => t.id).sort()).toEqual([a, b].sort());
    expect(answer.text).not.toMatch(/": /);
    expect((await sim.call('/mj/task/list-by-condition', { body: {} })).text).toBe('[]');
    expect((await sim.call('/mj/task/list-by-condition', { body: { ids: null } })).text).toBe('[]');
    expect((await sim.call('/mj/task/list-by-ids', { body: { ids: [a] } })).json).toHaveLength(1);
  });

  it('answers malformed JSON with a Spring 400 and an unknown route with a Spring 404', async () => {
    const bad = await sim.call('/mj/submit/imagine', { body: '{"prompt":' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: 400, error: 'Bad Request', path: '/mj/submit/imagine' });
    expect((await sim.call('/mj/submit/nothing', { body: {} })).status).toBe(404);
  });

  it.each([
    ['imagine', 'prompt不能为空', {}],
    ['imagine', 'prompt不能为空', { prompt: '  ' }],
    ['imagine', 'base64格式错误', { prompt: 'cat', base64Array: ['not-a-data-url'] }],
    ['change', 'taskId不能为空', { action: 'UPSCALE', index: 1 }],
    ['change', 'action参数错误', { taskId: '1712345678901234' }],
    ['simple-change', 'content参数错误', { content: '1712345678901234 X9' }],
    ['describe', 'base64不能为空', {}],
    ['describe', 'base64格式错误', { base64: 'data:image/png;base64,' }],
    ['blend', 'base64List参数错误', { base64Array: [DATA_URL] }],
    ['blend', 'base64List参数错误', { base64Array: [DATA_URL, DATA_URL, DATA_URL, DATA_URL, DATA_URL, DATA_URL] }],
    ['blend', 'dimensions参数错误', { base64Array: [DATA_URL, DATA_URL], dimensions: 'ROUND' }],
    ['action', 'taskId不能为空', { customId: 'MJ::JOB::upsample::1::x' }],
    ['shorten', 'prompt不能为空', { prompt: '' }],
    ['imagine', 'State参数过长，最大255字符', { prompt: 'cat', state: 'x'.repeat(256) }],
  ])('validates %s with code 4 %s', async (route, description, body) => {
    expect(await sim.submit(route, body)).toEqual({ code: 4, description, result: null, properties: {} });
  });

  it('answers code 3 for an unknown parent and code 4 for a parent that is not SUCCESS', async () => {
    const unknown = { code: 3, description: '关联任务不存在或已失效', result: null, properties: {} };
    expect(await sim.submit('change', { taskId: '1712345678901234', action: 'UPSCALE', index: 1 })).toEqual(unknown);
    expect(await sim.submit('simple-change', { content: '1712345678901234 V2' })).toEqual(unknown);
    expect(await sim.submit('action', { taskId: '1712345678901234', customId: 'MJ::JOB::upsample::1::x' })).toEqual(unknown);

    const running = await sim.imagine('still running');
    const wrongState = { code: 4, description: '关联任务状态错误', result: null, properties: {} };
    expect(await sim.submit('change', { taskId: running, action: 'UPSCALE', index: 1 })).toEqual(wrongState);
    expect(await sim.submit('simple-change', { content: `${running} U1` })).toEqual(wrongState);
    expect(await sim.submit('action', { taskId: running, customId: 'MJ::JOB::upsample::1::x' })).toEqual(wrongState);

    const grid = (await sim.until(running, (t) => t.status === 'SUCCESS')).task;
    const up = await sim.submit('change', { taskId: grid.id, action: 'UPSCALE', index: 4 });
    await sim.until(up.result as string, (t) => t.status === 'SUCCESS');
    expect(await sim.submit('change', { taskId: up.result, action: 'VARIATION', index: 1 })).toEqual({
      code: 4,
      description: '关联任务不允许执行变化',
      result: null,
      properties: {},
    });
    const npe = await sim.call('/mj/submit/change', { body: { taskId: grid.id, action: 'UPSCALE' } });
    expect(npe.status).toBe(500);
    expect(npe.json).toMatchObject({ status: 500, error: 'Internal Server Error' });
    expect((await sim.call('/mj/submit/change', { body: { taskId: grid.id, action: 'ZOOM', index: 1 } })).status).toBe(400);
  });
});

describe('mj-simulator: executor queue', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await Sim.start({ taskMs: 60_000 });
  });
  afterAll(() => sim.close());

  it('runs 3 tasks, queues 10 (code 1 for the first waiting, then 22 with numberOfQueues) and rejects with 23', async () => {
    const answers = [];
    for (let i = 0; i < 15; i++) answers.push(await sim.submit('imagine', { prompt: `queued ${i}` }));
    expect(answers.slice(0, 4).map((a) => a.code)).toEqual([1, 1, 1, 1]);
    answers.slice(4, 13).forEach((answer, i) => {
      expect(answer).toEqual({
        code: 22,
        description: `排队中，前面还有${i + 1}个任务`,
        result: expect.stringMatching(/^\d{16}$/),
        properties: { numberOfQueues: i + 1, discordInstanceId: expect.any(String) },
      });
    });
    expect(answers[13]).toEqual({
      code: 23,
      description: '队列已满，请稍后尝试',
      result: null,
      properties: { discordInstanceId: expect.any(String) },
    });
    expect(sim.handle.tasks.size).toBe(13);
    const waiting = await sim.fetch(answers[12].result as string);
    expect(waiting).toMatchObject({ status: 'NOT_START', progress: null, startTime: null });
    const queue = (await sim.call('/mj/task/queue')).json as Task[];
    expect(queue).toHaveLength(13);

    // Cancelling a running task lets the first waiting one start.
    await sim.call(`/mj/task/${answers[0].result}/cancel`, { method: 'POST' });
    expect(sim.handle.stats()).toMatchObject({ running: 3, waiting: 9 });
    expect((await sim.submit('imagine', { prompt: 'fits again' })).code).toBe(22);
  });
});
