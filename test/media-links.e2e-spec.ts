import type { SimulatorHandle } from '@app/mj-simulator';
import { createTestApp, TestApp } from './app';
import { finished, registerChannel, startMediaSimulator } from './media';
import { createApiKey, PNG_DATA_URL, until } from './upstream';

/** A link as the relay hands it to API clients: no expiry, only a signature. */
const DURABLE = /^http:\/\/127\.0\.0\.1:\d+\/mj\/image\/[\w-]+(\/\d+)?\?sig=[\w-]{22}$/;
const TWO_DAYS_MS = 2 * 86400 * 1000;

/**
 * Item 8 of the client issue: new-api (as a reseller in front of us) stores the first `imageUrl` it sees and never asks
 * again, so the relay's links must live as long as the gateway keeps the media, and die only when revoked.
 */
describe('media links that live as long as the media (relay) and die when revoked', () => {
  let sim: SimulatorHandle;
  let t: TestApp;
  let alice: { id: number; token: string };
  let bob: { id: number; token: string };
  let aliceKey: string;
  let bobKey: string;
  let admin: string;

  beforeAll(async () => {
    sim = await startMediaSimulator();
    t = await createTestApp({
      env: { MEDIA_FETCH_ALLOWLIST: `127.0.0.1:${sim.port}`, POLL_INTERVAL_MS: '100', POLL_MAX_BACKOFF_MS: '300', MEDIA_STORE: 'off' },
    });
    await registerChannel(t, sim);
    alice = await t.createUser({ username: 'alice', quota: 10_000_000 });
    bob = await t.createUser({ username: 'bob', quota: 10_000_000 });
    aliceKey = await createApiKey(t, alice.token);
    bobKey = await createApiKey(t, bob.token);
    admin = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  const local = (link: string) => link.replace(/^http:\/\/[^/]+/, '');
  const status = async (link: string) => (await t.http.get(local(link))).status;
  /** Revocation reaches every instance's media cache within 5 s: wait for it rather than assume it. */
  const refused = (link: string) => until(async () => (await status(link)) === 403, 8000, 200);

  /** A finished imagine of `key`'s owner, with the links its relay fetch answers. */
  const finishedTask = async (key: string) => {
    const submitted = await t.http
      .post('/mj/submit/imagine')
      .set('mj-api-secret', key)
      .send({ prompt: 'a lighthouse at dusk' })
      .expect(200);
    const mjId = submitted.body.result as string;
    const row = await finished(t, mjId);
    expect(row.status).toBe('SUCCESS');
    return { mjId, rowId: row.id, ...(await fetchLinks(key, mjId)) };
  };
  const fetchLinks = async (key: string, mjId: string) => {
    const fetched = await t.http.get(`/mj/task/${mjId}/fetch`).set('mj-api-secret', key).expect(200);
    return { image: fetched.body.imageUrl as string, singles: (fetched.body.imageUrls as { url: string }[]).map((u) => u.url) };
  };

  it('hands API clients links without an expiry that still open when the console links of the same task have expired', async () => {
    const task = await finishedTask(aliceKey);
    expect(task.image).toMatch(DURABLE);
    task.singles.forEach((link) => expect(link).toMatch(DURABLE));
    const consoleLink = (await t.http.get(`/api/mj/self?mj_id=${task.mjId}`).set('Authorization', `Bearer ${alice.token}`).expect(200)).body
      .data.items[0].image_url as string;
    expect(consoleLink).toMatch(/\?exp=\d+&sig=/);

    // Two days later (the gateway's clock moved on; MEDIA_URL_TTL_S is 24 h): the console's link has died, the relay's not.
    const realNow = Date.now.bind(Date);
    const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + TWO_DAYS_MS);
    try {
      expect(await status(consoleLink)).toBe(403);
      const image = await t.http.get(local(task.image)).expect(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(await status(task.singles[3])).toBe(200);
    } finally {
      later.mockRestore();
    }
  });

  it("revokes one task's links for its owner (relay route); fetch then answers new links that work", async () => {
    const task = await finishedTask(aliceKey);
    const other = await finishedTask(aliceKey);
    expect(await status(task.image)).toBe(200);

    // Someone else's task is "not found", and revokes nothing.
    const foreign = await t.http.post(`/mj/task/${task.mjId}/revoke-links`).set('mj-api-secret', bobKey).expect(404);
    expect(foreign.body.code).toBe(3);
    expect(await status(task.image)).toBe(200);

    const revoked = await t.http.post(`/mj/task/${task.mjId}/revoke-links`).set('mj-api-secret', aliceKey).expect(200);
    expect(revoked.body).toMatchObject({ code: 1, result: task.mjId });
    await refused(task.image);
    for (const single of task.singles) expect(await status(single)).toBe(403);
    // The owner's credentials still open it, and her other task's links are untouched.
    await t.http.get(local(task.image).split('?')[0]).set('Authorization', `Bearer ${alice.token}`).expect(200);
    expect(await status(other.image)).toBe(200);

    const renewed = await fetchLinks(aliceKey, task.mjId);
    expect(renewed.image).not.toBe(task.image);
    expect(await status(renewed.image)).toBe(200);
  });

  it('lets an admin revoke any task by its list id, and refuses anyone else with a 404', async () => {
    const task = await finishedTask(aliceKey);
    const bobs = await t.http.post(`/api/mj/${task.rowId}/revoke-links`).set('Authorization', `Bearer ${bob.token}`).expect(404);
    expect(bobs.body).toMatchObject({ success: false, message: `Task ${task.rowId} not found` });
    expect(await status(task.image)).toBe(200);
    const done = await t.http.post(`/api/mj/${task.rowId}/revoke-links`).set('Authorization', `Bearer ${admin}`).expect(200);
    expect(done.body.success).toBe(true);
    await refused(task.image);
    const wrong = await t.http.post('/api/mj/abc/revoke-links').set('Authorization', `Bearer ${admin}`).expect(400);
    expect(wrong.body.success).toBe(false);
    await t.http.post('/api/mj/999999/revoke-links').set('Authorization', `Bearer ${admin}`).expect(404);
  });

  it("revokes every link of a user (their own call, or an admin's), leaving other users' links working", async () => {
    const first = await finishedTask(aliceKey);
    const second = await finishedTask(aliceKey);
    const bobs = await finishedTask(bobKey);

    await t.http.post('/api/user/self/revoke-links').set('Authorization', `Bearer ${alice.token}`).expect(200);
    await refused(first.image);
    await refused(second.singles[0]);
    expect(await status(bobs.image)).toBe(200);
    expect(await status((await fetchLinks(aliceKey, first.mjId)).image)).toBe(200);

    await t.http.post(`/api/users/${bob.id}/revoke-links`).set('Authorization', `Bearer ${admin}`).expect(200);
    await refused(bobs.image);
    await t.http.post(`/api/users/${bob.id}/revoke-links`).set('Authorization', `Bearer ${alice.token}`).expect(403);
    await t.http.post('/api/users/999999/revoke-links').set('Authorization', `Bearer ${admin}`).expect(404);
  });

  it("gives an upload's images durable links, and a deleted user's links die with the account", async () => {
    const carol = await t.createUser({ username: 'carol', quota: 10_000_000 });
    const carolKey = await createApiKey(t, carol.token);
    const upload = await t.http
      .post('/mj/submit/upload-discord-images')
      .set('mj-api-secret', carolKey)
      .send({ base64Array: [PNG_DATA_URL] })
      .expect(200);
    expect(upload.body.code).toBe(1);
    const [link] = upload.body.result as string[];
    expect(link).toMatch(DURABLE);
    expect(await status(link)).toBe(200);
    const task = await finishedTask(carolKey);

    await t.http.delete(`/api/users/${carol.id}`).set('Authorization', `Bearer ${admin}`).expect(200);
    await refused(task.image);
    await refused(link);
  });
});
