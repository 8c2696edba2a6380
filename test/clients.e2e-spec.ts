import type { SimulatorHandle } from '@app/mj-simulator';
import { createTestApp, TestApp } from './app';
import { registerChannel, startMediaSimulator } from './media';
import { createApiKey, PNG_DATA_URL, until } from './upstream';

/**
 * Each real client's calls, replayed as it makes them, with the fields it reads (see /work/shared/spec/clients.md):
 * the gateway must work for them unchanged.
 */
describe('clients: the calls real midjourney-proxy clients make', () => {
  let t: TestApp;
  let sim: SimulatorHandle;
  let channelId: number;
  let alice: { id: number; token: string };
  let key: string;

  beforeAll(async () => {
    sim = await startMediaSimulator({ taskMs: 500 });
    t = await createTestApp({
      env: { POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300', MEDIA_FETCH_ALLOWLIST: `127.0.0.1:${sim.port}` },
    });
    channelId = await registerChannel(t, sim);
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.close();
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
    const submit = await dooy('/mj/submit/imagine', {
      base64Array: [],
      notifyHook: '',
      prompt: 'a red fox in snow',
      state: '',
      botType: 'MID_JOURNEY',
    }).expect(200);
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

  it('Dooy/chatgpt-web-midjourney-proxy src/api/mjapi.ts: upload-discord-images, then the answered URL as a reference image', async () => {
    const upload = await dooy('/mj/submit/upload-discord-images', { base64Array: [PNG_DATA_URL] }).expect(200);
    expect(upload.body.code).toBe(1);
    const [url] = upload.body.result as string[];
    // The URL goes into the next prompt and into an <img>: it is the gateway's, and it serves the image.
    expect(url).toMatch(new RegExp(`^${t.url.replace(/\./g, '\\.')}/mj/image/`));
    const image = await t.http.get(url.replace(/^http:\/\/[^/]+/, '')).expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    const imagine = await dooy('/mj/submit/imagine', {
      base64Array: [],
      notifyHook: '',
      prompt: `${url} a cat`,
      state: '',
      botType: 'MID_JOURNEY',
    }).expect(200);
    expect(imagine.body.code).toBe(1);
  });

  it('QuantumNous/new-api web/src/hooks/mj-logs/useMjLogsData.js: the task log with every filter sent empty, or NaN when cleared', async () => {
    const admin = await t.adminToken();
    const submitted = (await dooy('/mj/submit/imagine', { prompt: 'for the log' }).expect(200)).body.result as string;
    const now = Date.now();
    // The user's page and the admin's, exactly as the hook builds their URLs.
    const self = await t.http
      .get(`/api/mj/self/?p=1&page_size=10&mj_id=&start_timestamp=${now - 3_600_000}&end_timestamp=${now + 60_000}`)
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);
    const cleared = await t.http
      .get('/api/mj/self/?p=1&page_size=10&mj_id=&start_timestamp=NaN&end_timestamp=NaN')
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);
    const all = await t.http
      .get('/api/mj/?p=1&page_size=10&channel_id=&mj_id=&start_timestamp=NaN&end_timestamp=NaN')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    for (const res of [self, cleared, all]) {
      expect(res.body.success).toBe(true);
      const item = res.body.data.items.find((i: { mj_id: string }) => i.mj_id === submitted);
      // MjLogsColumnDefs.jsx: these fields, `progress` through .replace, `code` for the submit-result column.
      expect(item).toMatchObject({
        id: expect.any(Number),
        action: 'IMAGINE',
        status: expect.any(String),
        image_url: expect.any(String),
        prompt: 'for the log',
        prompt_en: expect.any(String),
        fail_reason: expect.any(String),
        submit_time: expect.any(Number),
        finish_time: expect.any(Number),
        code: 1,
      });
      expect(typeof item.progress.replace).toBe('function');
    }
    expect(all.body.data.items.find((i: { mj_id: string }) => i.mj_id === submitted).channel_id).toBe(channelId);
  });

  it('QuantumNous/new-api relay/mjproxy_handler.go + dto/midjourney.go: submit, poll list-by-condition with string ids, read the task', async () => {
    // Forwarded as the client sent it, minus notifyHook; decoded as {code int, description string, result string, properties}.
    const submit = await t.http
      .post('/mj-fast/mj/submit/imagine')
      .set('mj-api-secret', key)
      .send({ prompt: 'a lighthouse at dusk', state: '' })
      .expect(200);
    expect(submit.body).toMatchObject({ code: 1, description: expect.any(String), result: expect.any(String) });
    expect(typeof submit.body.properties).toBe('object');
    const id = submit.body.result as string;
    const answers: unknown[] = [submit.body];
    // service/midjourney.go: polls with string ids until "100%" or a final status.
    const done = await until(async () => {
      const res = await t.http
        .post('/mj/task/list-by-condition')
        .set('mj-api-secret', key)
        .send({ ids: [id] })
        .expect(200);
      answers.push(res.body);
      const [task] = res.body;
      return task && (task.progress === '100%' || ['SUCCESS', 'FAILURE'].includes(task.status)) && task;
    }, 20000);
    expect(done).toMatchObject({ id, status: 'SUCCESS', progress: '100%', failReason: null });
    for (const field of ['submitTime', 'startTime', 'finishTime']) expect(Number.isInteger(done[field]) && done[field] > 1e12).toBe(true);
    expect(done.imageUrl).toMatch(/\/mj\/image\//);
    expect(done.videoUrls ?? null).toBeNull();
    answers.push((await fetchTask(id)).body);
    // White-label: the reseller's customers never learn the upstream's address, account or Discord message ids.
    const seen = JSON.stringify(answers);
    expect(seen).not.toContain(`:${sim.port}`);
    expect(seen).not.toContain('1118138338562560102'); // the simulator's account (DISCORD_INSTANCE_ID)
    expect(seen).not.toMatch(/discordInstanceId|discordChannelId|messageId|progressMessageId|nonce|messageHash/);
  });
});
