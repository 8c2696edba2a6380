import { createTestApp, TestApp } from '../../../test/app';
import { addSimulatorChannel, createApiKey, TestChannel, upstreamIdOf } from '../../../test/upstream';

describe('example module: the prompt translator, loaded through EXTENSIONS', () => {
  let t: TestApp;
  let sim: TestChannel;
  let alice: { id: number; token: string };
  let key: string;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { EXTENSIONS: './examples/prompt-translator', POLLING_ENABLED: 'false' } });
    admin = await t.adminToken();
    sim = await addSimulatorChannel(t, { taskMs: 60000 });
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createApiKey(t, alice.token);
  });

  afterAll(async () => {
    await t.close();
    await sim.sim.close();
  });

  const relay = (path: string) => t.http.post(path).set('mj-api-secret', key);
  const adminItem = async (mjId: string) =>
    (await t.http.get(`/api/mj/?mj_id=${mjId}`).set('Authorization', `Bearer ${admin}`).expect(200)).body.data.items[0];

  it('sends the prompt upstream in English with its URLs and --params untouched, and keeps the original on the task', async () => {
    const original = 'https://cdn.example.com/Ref.PNG 一只红色的狐狸在雪地 --ar 3:2 --no 狗, 猫';
    const res = await relay('/mj/submit/imagine').send({ prompt: original }).expect(200);
    expect(res.body.code).toBe(1);
    expect(sim.sim.tasks.get(await upstreamIdOf(t, res.body.result))?.prompt).toBe(
      'https://cdn.example.com/Ref.PNG a red fox in snow --ar 3:2 --no 狗, 猫',
    );
    const fetched = await t.http.get(`/mj/task/${res.body.result}/fetch`).set('mj-api-secret', key).expect(200);
    expect(fetched.body.prompt).toBe('https://cdn.example.com/Ref.PNG a red fox in snow --ar 3:2 --no 狗, 猫');
    expect(await adminItem(res.body.result)).toMatchObject({
      prompt: 'https://cdn.example.com/Ref.PNG a red fox in snow --ar 3:2 --no 狗, 猫',
      original_prompt: original,
    });
  });

  it('leaves English prompts alone (no original kept), and the banned-words check still reads the original', async () => {
    const plain = await relay('/mj/submit/imagine').send({ prompt: 'a red fox in snow --ar 3:2' }).expect(200);
    expect(sim.sim.tasks.get(await upstreamIdOf(t, plain.body.result))?.prompt).toBe('a red fox in snow --ar 3:2');
    expect(await adminItem(plain.body.result)).toMatchObject({ original_prompt: '' });
    await t.http.post('/api/banned-words').set('Authorization', `Bearer ${admin}`).send({ phrase: '狐狸' }).expect(201);
    const refused = await relay('/mj/submit/imagine').send({ prompt: '一只狐狸' }).expect(400);
    expect(refused.body).toMatchObject({ code: 24, description: '可能包含敏感词: 狐狸' });
  });
});
