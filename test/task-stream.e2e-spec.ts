import http from 'node:http';
import { createTestApp, TestApp } from './app';
import { addSimulatorChannel, createApiKey, TestChannel, until } from './upstream';

interface Listener {
  events: { mj_id: string; status: string; user_id: number }[];
  close(): void;
}

/** Opens the event stream as a browser's EventSource would, collecting `task` events. */
function listen(baseUrl: string, ticket: string): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const events: Listener['events'] = [];
    const req = http.get(`${baseUrl}/api/mj/events?ticket=${encodeURIComponent(ticket)}`, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (/^event: task$/m.test(block) && data) events.push(JSON.parse(data));
        }
      });
      resolve({ events, close: () => req.destroy() });
    });
    req.on('error', () => undefined);
  });
}

describe('live task events (/api/mj/events)', () => {
  let t: TestApp;
  let channel: TestChannel;

  beforeAll(async () => {
    t = await createTestApp({ env: { POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300' } });
    channel = await addSimulatorChannel(t, { taskMs: 500, coreSize: 10 });
  });

  afterAll(async () => {
    await t.close();
    await channel.sim.close();
  });

  const ticketFor = async (token: string) =>
    (await t.http.post('/api/mj/events/ticket').set('Authorization', `Bearer ${token}`).expect(200)).body.data.ticket as string;

  it('refuses a missing or forged ticket with 401, and a ticket needs a login', async () => {
    const res = await t.http.get('/api/mj/events').expect(401);
    expect(res.body.success).toBe(false);
    await t.http.get('/api/mj/events?ticket=abc').expect(401);
    await t.http.post('/api/mj/events/ticket').expect(401);
    // The dashboard JWT itself is not a ticket.
    await t.http.get(`/api/mj/events?ticket=${await t.adminToken()}`).expect(401);
  });

  it('opens one stream per ticket: the same ticket used again is refused, a new one works', async () => {
    const token = await t.adminToken();
    const ticket = await ticketFor(token);
    const first = await listen(t.url, ticket);
    try {
      const again = await t.http.get(`/api/mj/events?ticket=${encodeURIComponent(ticket)}`).expect(401);
      expect(again.body).toEqual({ success: false, message: 'The ticket was already used; get a new one from POST /api/mj/events/ticket' });
      const second = await listen(t.url, await ticketFor(token));
      second.close();
    } finally {
      first.close();
    }
  });

  it("streams each change of the caller's own tasks, and every task to an admin", async () => {
    const alice = await t.createUser({ username: 'alice', quota: 1_000_000 });
    const bob = await t.createUser({ username: 'bob', quota: 1_000_000 });
    const [aliceKey, bobKey] = [await createApiKey(t, alice.token), await createApiKey(t, bob.token)];
    const aliceStream = await listen(t.url, await ticketFor(alice.token));
    const adminStream = await listen(t.url, await ticketFor(await t.adminToken()));
    try {
      const submit = async (key: string) =>
        (await t.http.post('/mj/submit/imagine').set('mj-api-secret', key).send({ prompt: 'live' }).expect(200)).body.result as string;
      const mine = await submit(aliceKey);
      const theirs = await submit(bobKey);
      await until(async () => aliceStream.events.some((e) => e.mj_id === mine && e.status === 'SUCCESS'), 15000);
      await until(async () => adminStream.events.some((e) => e.mj_id === theirs && e.status === 'SUCCESS'), 15000);
      expect(aliceStream.events.every((e) => e.user_id === alice.id)).toBe(true);
      expect(aliceStream.events.filter((e) => e.mj_id === mine).length).toBeGreaterThan(1);
      expect(adminStream.events.some((e) => e.mj_id === mine)).toBe(true);
    } finally {
      aliceStream.close();
      adminStream.close();
    }
  });

  it('announces a submit as soon as the relay records it, accepted or refused, before any poll', async () => {
    const carol = await t.createUser({ username: 'carol', quota: 1_000_000 });
    const key = await createApiKey(t, carol.token);
    const stream = await listen(t.url, await ticketFor(carol.token));
    try {
      const accepted = await t.http.post('/mj/submit/imagine').set('mj-api-secret', key).send({ prompt: 'announced' }).expect(200);
      // NOT_START is what the relay records; the poller only ever announces what the upstream reports after it.
      await until(async () => stream.events.some((e) => e.mj_id === accepted.body.result && e.status === 'NOT_START'), 5000);
      const refused = await t.http.post('/mj/submit/imagine').set('mj-api-secret', key).send({ prompt: 'nope --sim-banned' }).expect(200);
      expect(refused.body.code).toBe(24);
      // A refused submit is never polled: without the relay's event a watcher would not hear of it at all.
      await until(async () => stream.events.some((e) => e.status === 'FAILURE' && e.mj_id !== accepted.body.result), 5000);
    } finally {
      stream.close();
    }
  });
});
