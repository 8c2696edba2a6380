import { createTestApp, TestApp } from './app';
import { HookReceiver, signatureValid, startReceiver } from './receiver';
import { addSimulatorChannel, TestChannel, until } from './upstream';

describe('callbacks (notifyHook): the gateway delivers them itself', () => {
  let t: TestApp;
  let channel: TestChannel;
  let receiver: HookReceiver;
  let user: { id: number; token: string };
  let key: { id: number; key: string; hook_secret: string };

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await createTestApp({
      env: {
        POLL_INTERVAL_MS: '100',
        POLL_MAX_BACKOFF_MS: '200',
        HOOK_ALLOWLIST: `127.0.0.1:${receiver.port}`,
        HOOK_RETRY_SCHEDULE_S: '0.2,0.2,0.2',
        HOOK_SEND_INTERVAL_MS: '50',
        HOOK_TIMEOUT_MS: '2000',
        HOOK_PROGRESS_MIN_INTERVAL_S: '1',
      },
    });
    channel = await addSimulatorChannel(t, { taskMs: 1500, coreSize: 50 });
    user = await t.createUser({ username: 'alice', quota: 10_000_000 });
    const res = await t.http.post('/api/tokens').set('Authorization', `Bearer ${user.token}`).send({ name: 'hooks' }).expect(201);
    key = res.body.data;
  });

  afterAll(async () => {
    await t.close();
    await channel.sim.close();
    await receiver.close();
  });

  const submit = (body: Record<string, unknown>, path = '/mj/submit/imagine') =>
    t.http.post(path).set('Authorization', `Bearer ${key.key}`).send(body);
  const hooksOf = (mjId: string) => receiver.received.filter((hook) => hook.body.id === mjId && hook.answered < 300);

  it('POSTs the task as fetch answers it, signed, in order, ending with the final state', async () => {
    const res = await submit({ prompt: 'a heron', notifyHook: `${receiver.url}/hook` }).expect(200);
    const mjId = res.body.result as string;
    expect(channel.sim.tasks.get(mjId)!.properties.notifyHook ?? '').not.toContain(String(receiver.port));
    await until(async () => hooksOf(mjId).some((hook) => hook.body.status === 'SUCCESS'), 20000);
    const hooks = hooksOf(mjId);
    const sequences = hooks.map((hook) => hook.body.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    for (const hook of hooks) {
      expect(hook.headers['content-type']).toBe('application/json');
      expect(signatureValid(key.hook_secret, hook.signature, hook.raw)).toBe(true);
    }
    const final = hooks[hooks.length - 1];
    const fetched = await t.http.get(`/mj/task/${mjId}/fetch`).set('Authorization', `Bearer ${key.key}`).expect(200);
    const { sequence, ...body } = final.body;
    expect(sequence).toBe(hooks.length);
    const strip = (task: Record<string, any>) => ({ ...task, imageUrl: task.imageUrl?.split('?')[0], imageUrls: null });
    expect(strip(body)).toEqual(strip(fetched.body));
  });
});
