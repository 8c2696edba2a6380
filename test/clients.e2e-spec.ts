import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until } from './upstream';

/**
 * Each real client's calls, replayed as it makes them, with the fields it reads (see /work/shared/spec/clients.md):
 * the gateway must work for them unchanged.
 */
describe('clients: the calls real midjourney-proxy clients make', () => {
  let t: TestApp;
  let sim: TestChannel;
  let alice: { id: number; token: string };
  let key: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300' } });
    sim = await addSimulatorChannel(t, { secret: 'sim-secret', taskMs: 500, coreSize: 100, queueSize: 100 });
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.sim.close();
  });

  // As Dooy's mjFetch sends every call: JSON and the key in mj-api-secret.
  const dooy = (path: string, body: unknown) =>
    t.http.post(path).set('Content-Type', 'application/json').set('mj-api-secret', key).send(JSON.stringify(body));
  const fetchTask = (id: string) => t.http.get(`/mj/task/${id}/fetch`).set('mj-api-secret', key).expect(200);

  /** What Dooy's drawList.vue does with a task: videoUrls, else imageUrls, else imageUrl; `[]` is truthy and draws nothing. */
  function expectDrawable(task: Record<string, unknown>) {
    for (const field of ['imageUrls', 'videoUrls']) {
      const value = task[field];
      expect([field, value === null || value === undefined || (Array.isArray(value) && value.length > 0)]).toEqual([field, true]);
    }
    const properties = task.properties as Record<string, unknown>;
    expect(typeof properties.finalPrompt).toBe('string');
    expect(typeof properties.finalZhPrompt).toBe('string');
  }

  it('Dooy/chatgpt-web-midjourney-proxy src/api/mjapi.ts: imagine, poll fetch, list-by-condition with numeric ids, U1', async () => {
    // subTask: the body as aiDrawInputItem.vue builds it.
    const submit = await dooy('/mj/submit/imagine', { base64Array: [], notifyHook: '', prompt: 'a red fox in snow', state: '', botType: 'MID_JOURNEY' })
      .expect(200);
    expect(submit.body.code).toBe(1);
    const id = submit.body.result as string;

    // flechTask: every answer until SUCCESS must draw (no empty grid) and render its prompts.
    const first = (await fetchTask(id)).body;
    expectDrawable(first);
    expect(first.imageUrls ?? null).toBeNull();
    expect(first.videoUrls ?? null).toBeNull();
    const done = await until(async () => {
      const task = (await fetchTask(id)).body;
      expectDrawable(task);
      return task.status === 'SUCCESS' && task;
    }, 20000);
    expect(done).toMatchObject({ status: 'SUCCESS', progress: '100%', action: 'IMAGINE', prompt: 'a red fox in snow', failReason: null });
    expect(done.imageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mj\/image\//);
    expect(typeof done.startTime).toBe('number');
    expect(done.properties.finalPrompt).toContain('a red fox in snow');
    const u1 = done.buttons.find((button: { label: string }) => button.label === 'U1');
    expect(u1).toMatchObject({ customId: expect.any(String), emoji: expect.any(String), label: 'U1' });

    // loadGallery / drawList.vue: list-by-condition with the ids as numbers.
    const listed = await dooy('/mj/task/list-by-condition', { ids: [Number(id)] }).expect(200);
    expect(listed.body.map((task: { id: string }) => task.id)).toEqual([id]);
    expectDrawable(listed.body[0]);

    // The U1 button: {customId, taskId}, the task id as the number it kept.
    const action = await dooy('/mj/submit/action', { customId: u1.customId, taskId: Number(id) }).expect(200);
    expect(action.body.code).toBe(1);
    const upscale = (await fetchTask(action.body.result)).body;
    expect(upscale.action).toBe('UPSCALE');
    expectDrawable(upscale);
    // change {action, index, taskId} with a numeric id too.
    const change = await dooy('/mj/submit/change', { action: 'VARIATION', index: 2, taskId: Number(id) }).expect(200);
    expect(change.body.code).toBe(1);
  });
});
