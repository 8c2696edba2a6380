import { HookDns } from '@app/hooks';
import { createTestApp, TestApp } from './app';
import { HookReceiver, signatureValid, startReceiver } from './receiver';
import { addSimulatorChannel, TestChannel, until, upstreamIdOf } from './upstream';

interface Delivery {
  id: number;
  task_id: string;
  sequence: number;
  status: string;
  task_status: string;
  progress: string;
  attempts: number;
  created_at: number;
  attempt_log: { attempt: number; status_code: number; error: string; response_head: string }[];
}

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
    channel = await addSimulatorChannel(t, { taskMs: 2500, coreSize: 50 });
    user = await t.createUser({ username: 'alice', quota: 10_000_000 });
    key = await createKey(user.token);
  });

  afterAll(async () => {
    await t.close();
    await channel.sim.close();
    await receiver.close();
  });

  async function createKey(token: string, body: Record<string, unknown> = {}) {
    const res = await t.http
      .post('/api/tokens')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'hooks', ...body });
    if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data as { id: number; key: string; hook_secret: string };
  }
  const submit = (body: Record<string, unknown>, path = '/mj/submit/imagine', sk = key.key) =>
    t.http.post(path).set('Authorization', `Bearer ${sk}`).send(body);
  const delivered = (mjId: string) => receiver.received.filter((hook) => hook.body.id === mjId && hook.answered < 300);
  const deliveries = async (query: string, token = user.token): Promise<Delivery[]> =>
    (await t.http.get(`/api/hooks/deliveries?page_size=100&${query}`).set('Authorization', `Bearer ${token}`).expect(200)).body.data.items;
  const finished = (mjId: string) =>
    until(async () => {
      const items = await deliveries(`task_id=${mjId}`);
      const final = items.some((d) => ['SUCCESS', 'FAILURE'].includes(d.task_status));
      return final && items.every((d) => d.status !== 'pending') && items;
    }, 30000);
  const balance = async () => Number((await t.sql<{ quota: string }>('SELECT quota FROM users WHERE id = ?', [user.id]))[0].quota);

  it('POSTs the task as fetch answers it, signed, in order, ending with the final state', async () => {
    const res = await submit({ prompt: 'a heron', notifyHook: `${receiver.url}/hook` }).expect(200);
    const mjId = res.body.result as string;
    // The upstream never sees the client's URL.
    expect(JSON.stringify(channel.sim.tasks.get(await upstreamIdOf(t, mjId))!.properties)).not.toContain(`${receiver.port}/hook`);
    await until(async () => delivered(mjId).some((hook) => hook.body.status === 'SUCCESS'), 20000);
    const hooks = delivered(mjId);
    const sequences = hooks.map((hook) => hook.body.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(hooks.map((hook) => hook.body.status)).toEqual(expect.arrayContaining(['IN_PROGRESS', 'SUCCESS']));
    for (const hook of hooks) {
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.eventId).toMatch(/^\d+$/);
      expect(hook.attempt).toBe(1);
      expect(signatureValid(key.hook_secret, hook.signature, hook.raw)).toBe(true);
      expect(signatureValid(key.hook_secret, hook.signature, hook.raw.replace('heron', 'heroN'))).toBe(false);
    }
    const final = hooks[hooks.length - 1];
    const fetched = await t.http.get(`/mj/task/${mjId}/fetch`).set('Authorization', `Bearer ${key.key}`).expect(200);
    const { sequence: _, ...body } = final.body;
    // The same task, the same gateway links (their signatures expire at different instants).
    const unsigned = (task: Record<string, any>) => JSON.parse(JSON.stringify(task).replace(/\?[^"]*"/g, '"'));
    expect(unsigned(body)).toEqual(unsigned(fetched.body));
    expect(body.imageUrl).toContain(t.url.replace('http://', ''));
  });

  it('coalesces progress: at most one progress-only event per task per HOOK_PROGRESS_MIN_INTERVAL_S', async () => {
    const mjId = (await submit({ prompt: 'a slow egret', notifyHook: `${receiver.url}/hook` }).expect(200)).body.result;
    const items = (await finished(mjId)).sort((a, b) => a.sequence - b.sequence);
    const rows = await t.sql<{ seq: number; task_status: string; created_at: string }>(
      'SELECT seq, task_status, created_at FROM hook_events WHERE mj_id = ? ORDER BY seq',
      [mjId],
    );
    for (let i = 1; i < rows.length; i++) {
      if (rows[i].task_status !== rows[i - 1].task_status) continue;
      expect(Number(rows[i].created_at) - Number(rows[i - 1].created_at)).toBeGreaterThanOrEqual(1000);
    }
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(items[items.length - 1].task_status).toBe('SUCCESS');
  });

  it("uses the key's default hook when a submit names none; a follow-up inherits nothing from its parent", async () => {
    const keyed = await createKey(user.token, { hook_url: `${receiver.url}/default` });
    const mjId = (await submit({ prompt: 'a kite' }, '/mj/submit/imagine', keyed.key).expect(200)).body.result;
    await until(async () => delivered(mjId).some((hook) => hook.body.status === 'SUCCESS'), 20000);
    expect(delivered(mjId).every((hook) => signatureValid(keyed.hook_secret, hook.signature, hook.raw))).toBe(true);

    const parent = (await submit({ prompt: 'a plover', notifyHook: `${receiver.url}/parent` }).expect(200)).body.result;
    await until(async () => delivered(parent).some((hook) => hook.body.status === 'SUCCESS'), 20000);
    const child = (await submit({ taskId: parent, action: 'UPSCALE', index: 1 }, '/mj/submit/change').expect(200)).body.result;
    await until(async () => {
      const res = await t.http.get(`/mj/task/${child}/fetch`).set('Authorization', `Bearer ${key.key}`);
      return res.body.status === 'SUCCESS';
    }, 20000);
    expect(await deliveries(`task_id=${child}`)).toEqual([]);
    expect(delivered(child)).toEqual([]);
  });

  it.each([
    ['a private address', 'http://10.0.0.7/hook', /private, local or reserved/],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data', /private, local or reserved/],
    ['loopback on a port not allowlisted', 'http://127.0.0.1:9/hook', /private, local or reserved/],
    ['a non-http scheme', 'ftp://example.com/hook', /http\(s\) URL/],
    ['credentials in the URL', 'http://user:pw@example.com/hook', /credentials/],
  ])('refuses %s at submit with a 400, before anything is charged', async (_, url, message) => {
    const before = await balance();
    const tasks = await t.sql('SELECT count(*)::int AS n FROM tasks');
    const res = await submit({ prompt: 'a refused target', notifyHook: url }).expect(400);
    expect(res.body).toMatchObject({ success: false, code: 4 });
    expect(res.body.message).toMatch(message);
    expect(res.body.message).toMatch(/notifyHook/);
    expect(await balance()).toBe(before);
    expect(await t.sql('SELECT count(*)::int AS n FROM tasks')).toEqual(tasks);
  });

  it('refuses at connect time a name re-pointed to a private address after the submit (DNS rebinding)', async () => {
    const dns = t.app.get(HookDns, { strict: false });
    const original = dns.resolve.bind(dns);
    let looks = 0;
    dns.resolve = async (hostname: string) => {
      if (hostname !== 'hooks.rebind.test') return original(hostname);
      looks += 1;
      return looks === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.2', family: 4 }];
    };
    try {
      const mjId = (await submit({ prompt: 'a rebinding', notifyHook: `http://hooks.rebind.test:${receiver.port}/x` }).expect(200)).body
        .result;
      const items = await until(async () => {
        const found = await deliveries(`task_id=${mjId}&status=failed`);
        return found.length > 0 && found;
      }, 30000);
      expect(items[0].attempts).toBe(4);
      expect(items[0].attempt_log.map((a) => a.status_code)).toEqual([0, 0, 0, 0]);
      expect(items[0].attempt_log[0].error).toMatch(/private or local address 127\.0\.0\.2/);
      expect(receiver.received.filter((hook) => hook.body.id === mjId)).toEqual([]);
    } finally {
      dns.resolve = original;
    }
  });

  it('retries a failing receiver with the same event id, and a 410 stops the task for good', async () => {
    let failures = 2;
    const respond = receiver.respond;
    receiver.respond = (hook) => (hook.body.prompt === 'a flaky receiver' && failures-- > 0 ? 503 : respond(hook));
    const flaky = (await submit({ prompt: 'a flaky receiver', notifyHook: `${receiver.url}/flaky` }).expect(200)).body.result;
    const items = (await finished(flaky)).sort((a, b) => a.sequence - b.sequence);
    expect(items.every((d) => d.status === 'delivered')).toBe(true);
    expect(items[0].attempt_log.map((a) => a.status_code)).toEqual([503, 503, 200]);
    const first = receiver.received.filter((hook) => hook.eventId === String(items[0].id));
    expect(first.map((hook) => hook.attempt)).toEqual([1, 2, 3]);
    expect(first[0].raw.length).toBeGreaterThan(0);

    receiver.respond = (hook) => (hook.body.prompt === 'a gone receiver' ? 410 : respond(hook));
    const gone = (await submit({ prompt: 'a gone receiver', notifyHook: `${receiver.url}/gone` }).expect(200)).body.result;
    await until(async () => {
      const res = await t.http.get(`/mj/task/${gone}/fetch`).set('Authorization', `Bearer ${key.key}`);
      return res.body.status === 'SUCCESS';
    }, 20000);
    const stopped = await until(async () => {
      const found = await deliveries(`task_id=${gone}`);
      return found.every((d) => d.status !== 'pending') && found;
    }, 20000);
    expect(stopped.every((d) => d.status === 'stopped')).toBe(true);
    expect(receiver.received.filter((hook) => hook.body.id === gone)).toHaveLength(1);
    receiver.respond = respond;
  });

  it('shows the delivery log to its owner (everyone to an admin), redelivers, and counts in /metrics', async () => {
    const mine = await deliveries('status=delivered');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0].attempt_log[0]).toMatchObject({ attempt: 1, status_code: 200, response_head: 'ok' });
    const bob = await t.createUser({ username: 'bob', quota: 0 });
    expect(await deliveries('', bob.token)).toEqual([]);
    const all = await deliveries('', await t.adminToken());
    expect(all.length).toBeGreaterThanOrEqual(mine.length);

    const bad = await t.http.get('/api/hooks/deliveries?status=bogus').set('Authorization', `Bearer ${user.token}`).expect(400);
    expect(bad.body.message).toMatch(/status must be one of/);
    await t.http.post(`/api/hooks/deliveries/${mine[0].id}/redeliver`).set('Authorization', `Bearer ${bob.token}`).expect(404);

    const again = await t.http
      .post(`/api/hooks/deliveries/${mine[0].id}/redeliver`)
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
    expect(again.body.data.status).toBe('pending');
    await until(async () => receiver.received.some((hook) => hook.eventId === String(mine[0].id) && hook.attempt === mine[0].attempts + 1));

    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/mj_hook_deliveries_total\{result="delivered"\} [1-9]/);
    expect(metrics.text).toMatch(/mj_hook_deliveries_total\{result="retried"\} [1-9]/);
    expect(metrics.text).toMatch(/mj_hook_deliveries_total\{result="failed"\} [1-9]/);
    expect(metrics.text).toMatch(/mj_hook_delivery_lag_seconds_count [1-9]/);
  });

  it("sets a key's default hook (checked), sends test events, and rotates the hook secret", async () => {
    const auth = { Authorization: `Bearer ${user.token}` };
    const refused = await t.http.put(`/api/tokens/${key.id}/hook`).set(auth).send({ hook_url: 'http://192.168.1.10/hook' }).expect(400);
    expect(refused.body.message).toMatch(/hook_url points to a private/);
    await t.http
      .put(`/api/tokens/${key.id}/hook`)
      .set(auth)
      .send({ hook_url: `${receiver.url}/key` })
      .expect(200);
    const list = await t.http.get('/api/tokens').set(auth).expect(200);
    expect(list.body.data.items.find((k: { id: number }) => k.id === key.id).hook_url).toBe(`${receiver.url}/key`);

    const test = await t.http.post(`/api/tokens/${key.id}/hook-test`).set(auth).send({}).expect(202);
    const got = await until(async () => receiver.received.find((hook) => hook.eventId === String(test.body.data.id)));
    expect(got.body).toMatchObject({ id: 'hook-test', status: 'SUCCESS' });
    expect(signatureValid(key.hook_secret, got.signature, got.raw)).toBe(true);

    const rotated = await t.http.post(`/api/tokens/${key.id}/hook-secret`).set(auth).expect(200);
    expect(rotated.body.data.hook_secret).toMatch(/^whsec_/);
    expect(rotated.body.data.hook_secret).not.toBe(key.hook_secret);
    const second = await t.http.post(`/api/tokens/${key.id}/hook-test`).set(auth).send({}).expect(202);
    const signed = await until(async () => receiver.received.find((hook) => hook.eventId === String(second.body.data.id)));
    expect(signatureValid(rotated.body.data.hook_secret, signed.signature, signed.raw)).toBe(true);
    expect(signatureValid(key.hook_secret, signed.signature, signed.raw)).toBe(false);

    const bob = await t.createUser({ username: 'carol', quota: 0 });
    await t.http.post(`/api/tokens/${key.id}/hook-test`).set('Authorization', `Bearer ${bob.token}`).send({}).expect(404);
    await t.http.put(`/api/tokens/${key.id}/hook`).set(auth).send({ hook_url: '' }).expect(200);
    const none = await t.http.post(`/api/tokens/${key.id}/hook-test`).set(auth).send({}).expect(400);
    expect(none.body.message).toMatch(/no hook_url/);
  });
});
