import { createTestApp, TestApp } from './app';
import { insertTasks } from './builders';

// Runs on a fresh PostgreSQL database, and again on the embedded PGlite database that `npm start` uses by default.
describe.each([
  ['PostgreSQL', () => undefined, {}],
  // The app keeps one connection to the embedded database it starts itself (database.module.ts); this one is started
  // by the test setup and reached by URL, so the app is told the same.
  ['embedded PGlite', () => process.env.EMBEDDED_TEST_DATABASE_URL, { DB_POOL_MAX: '1' }],
])('task lists (/api/mj/self, /api/mj/) on %s', (_name, databaseUrl, env) => {
  let t: TestApp;
  let alice: { id: number; token: string };
  let bob: { id: number; token: string };
  let admin: string;
  const base = 1_700_000_000; // seconds

  beforeAll(async () => {
    // Nothing but the tests writes tasks here: no poller moving unfinished ones while totals are compared.
    t = await createTestApp({ databaseUrl: databaseUrl(), env: { ...env, POLLING_ENABLED: 'false', MEDIA_ARCHIVE_ENABLED: 'false' } });
    admin = await t.adminToken();
    alice = await t.createUser({ username: 'alice' });
    bob = await t.createUser({ username: 'bob' });
    await insertTasks(t, [
      { userId: alice.id, channelId: 1, mjId: '1000000000000001', submitTime: (base + 10) * 1000, action: 'IMAGINE' },
      {
        userId: alice.id,
        channelId: 2,
        mjId: '1000000000000002',
        submitTime: (base + 20) * 1000,
        action: 'UPSCALE',
        status: 'FAILURE',
        progress: '',
      },
      {
        userId: alice.id,
        channelId: 1,
        mjId: '1000000000000003',
        submitTime: (base + 30) * 1000 + 500,
        status: 'IN_PROGRESS',
        progress: '46%',
      },
      { userId: bob.id, channelId: 2, mjId: '2000000000000001', submitTime: (base + 15) * 1000 },
      { userId: bob.id, channelId: 3, mjId: '2000000000000002', submitTime: (base + 25) * 1000, action: 'VIDEO' },
    ]);
  });

  afterAll(() => t.close());

  const mine = (token: string, query = '') => t.http.get(`/api/mj/self${query}`).set('Authorization', `Bearer ${token}`);
  const all = (query = '') => t.http.get(`/api/mj/${query}`).set('Authorization', `Bearer ${admin}`);

  it("lists only the caller's tasks, newest first, with exactly the seed's fields", async () => {
    const res = await mine(alice.token).expect(200);
    expect(res.body.success).toBe(true);
    expect(res.body.message).toBe('');
    expect(res.body.data).toMatchObject({ total: 3, page: 1, page_size: 20 });
    expect(res.body.data.items.map((i: { mj_id: string }) => i.mj_id)).toEqual([
      '1000000000000003',
      '1000000000000002',
      '1000000000000001',
    ]);
    const item = res.body.data.items[0];
    expect(Object.keys(item).sort()).toEqual(
      [
        'action',
        'fail_reason',
        'finish_time',
        'id',
        'image_url',
        'mj_id',
        'progress',
        'prompt',
        'prompt_en',
        'quota',
        'start_time',
        'status',
        'submit_time',
        'video_url',
        'video_urls',
        // Documented extras: the four single images of a grid, as a JSON array string like video_urls; new-api's
        // submit result and task details.
        'image_urls',
        'code',
        'description',
        'state',
        'buttons',
        'properties',
        // The task's speed mode (fast, relax, turbo).
        'mode',
        // The gateway queue: a queued task's place and estimated start (0 otherwise).
        'queue_position',
        'estimated_start_time',
      ].sort(),
    );
    expect(item).toMatchObject({
      status: 'IN_PROGRESS',
      progress: '46%',
      submit_time: base + 30,
      start_time: 0,
      finish_time: 0,
      video_urls: '[]',
      fail_reason: '',
      quota: 50000,
    });
    expect(typeof item.id).toBe('number');
    for (const value of Object.values(item)) expect(value).not.toBeNull();
  });

  it("never shows another user's task, not even by its mj_id", async () => {
    const res = await mine(alice.token, '?mj_id=2000000000000001').expect(200);
    expect(res.body.data).toMatchObject({ items: [], total: 0 });
    const own = await mine(bob.token, '?mj_id=2000000000000001').expect(200);
    expect(own.body.data.total).toBe(1);
  });

  it('filters by time in seconds, and reads values >= 10^12 as milliseconds', async () => {
    const seconds = await mine(alice.token, `?start_timestamp=${base + 20}&end_timestamp=${base + 30}`).expect(200);
    expect(seconds.body.data.items.map((i: { mj_id: string }) => i.mj_id)).toEqual(['1000000000000003', '1000000000000002']);
    const ms = await mine(alice.token, `?start_timestamp=${(base + 20) * 1000}&end_timestamp=${(base + 30) * 1000}`).expect(200);
    // In milliseconds the end is exact, so the task at base+30.5 s is outside.
    expect(ms.body.data.items.map((i: { mj_id: string }) => i.mj_id)).toEqual(['1000000000000002']);
    expect(ms.body.data.total).toBe(1);
  });

  it('pages, caps page_size at 100 and says so', async () => {
    const second = await mine(alice.token, '?p=2&page_size=2').expect(200);
    expect(second.body.data).toMatchObject({ total: 3, page: 2, page_size: 2 });
    expect(second.body.data.items).toHaveLength(1);
    const capped = await mine(alice.token, '?page_size=1000').expect(200);
    expect(capped.body.data.page_size).toBe(100);
    const beyond = await mine(alice.token, '?p=50').expect(200);
    expect(beyond.body.data).toMatchObject({ items: [], total: 3, page: 50 });
  });

  it.each([
    ['p=0', 'p'],
    ['p=abc', 'p'],
    ['p=1.5', 'p'],
    ['page_size=0', 'page_size'],
    ['page_size=-1', 'page_size'],
    ['page_size=ten', 'page_size'],
    ['start_timestamp=yesterday', 'start_timestamp'],
    ['end_timestamp=-5', 'end_timestamp'],
    [`start_timestamp=${base + 100}&end_timestamp=${base}`, 'start_timestamp'],
    ['status=DONE', 'status'],
    ['action=PAINT', 'action'],
    ['p=1&p=2', 'p'],
  ])('rejects %s with a 400 naming %s', async (query, parameter) => {
    const res = await mine(alice.token, `?${query}`).expect(400);
    expect(res.body.success).toBe(false);
    expect(res.body.message).toContain(parameter);
    expect(res.body.errors?.[parameter]).toBeDefined();
  });

  // new-api's console (web/src/hooks/mj-logs/useMjLogsData.js) sends every filter, empty when unused, NaN when cleared.
  it('reads a filter sent empty, or as a cleared form control sends it, as no filter', async () => {
    for (const query of [
      '?p=1&page_size=10&mj_id=&start_timestamp=&end_timestamp=',
      '?mj_id=&start_timestamp=NaN&end_timestamp=NaN',
      '?start_timestamp=null&end_timestamp=undefined&status=&action=',
    ]) {
      const res = await mine(alice.token, query).expect(200);
      expect([query, res.body.data.total]).toEqual([query, 3]);
    }
    const admin = await all('?p=1&page_size=10&channel_id=&mj_id=&start_timestamp=NaN&end_timestamp=NaN&user_id=').expect(200);
    expect(admin.body.data).toMatchObject({ total: 5, page: 1, page_size: 10 });
    const oneFilter = await all(`?channel_id=&mj_id=&start_timestamp=&end_timestamp=${base + 15}`).expect(200);
    expect(oneFilter.body.data.items.map((i: { mj_id: string }) => i.mj_id)).toEqual(['2000000000000001', '1000000000000001']);
  });

  it.each([
    ['self', 'start_timestamp=abc', 'start_timestamp must be an integer'],
    ['self', 'end_timestamp=1.5', 'end_timestamp must be an integer'],
    ['admin', 'start_timestamp=abc', 'start_timestamp must be an integer'],
    ['admin', 'channel_id=x', 'channel_id must be an integer'],
    ['admin', 'user_id=bob', 'user_id must be an integer'],
    ['admin', 'p=abc&channel_id=', 'p must be an integer'],
  ])('tells a non-numeric value on the %s list (%s) that it must be an integer', async (list, query, message) => {
    const res = await (list === 'self' ? mine(alice.token, `?${query}`) : all(`?${query}`)).expect(400);
    expect(res.body).toMatchObject({ success: false });
    expect(res.body.message).toContain(message);
  });

  it("carries new-api's code, description, state, buttons and properties, without the upstream's ids for users", async () => {
    const [id] = await insertTasks(t, [{ userId: alice.id, mjId: '1000000000000077', submitTime: (base + 5) * 1000 }]);
    const buttons = [{ customId: 'MJ::JOB::upsample::1::abc', emoji: '', label: 'U1', type: 2, style: 2 }];
    await t.sql(
      `UPDATE tasks SET submit_code = 22, description = 'queued', state = 'u42', buttons = ?::jsonb, properties = ?::jsonb WHERE id = ?`,
      [
        JSON.stringify(buttons),
        JSON.stringify({
          discordInstanceId: '1118138338562560102',
          discordChannelId: '99',
          messageId: '77',
          progressMessageId: '78',
          nonce: '5',
          messageHash: 'abc',
          finalPrompt: 'a fox',
          botType: 'MID_JOURNEY',
          flags: 0,
        }),
        id,
      ],
    );
    const res = await mine(alice.token, '?mj_id=1000000000000077').expect(200);
    const item = res.body.data.items[0];
    expect(item).toMatchObject({ code: 22, description: 'queued', state: 'u42' });
    expect(JSON.parse(item.buttons)).toEqual(buttons);
    expect(JSON.parse(item.properties)).toEqual({ finalPrompt: 'a fox', finalZhPrompt: '', botType: 'MID_JOURNEY', flags: 0 });
    expect(JSON.stringify(res.body)).not.toMatch(/1118138338562560102|discordInstanceId|messageHash|nonce/);
    const admin = await all('?mj_id=1000000000000077').expect(200);
    expect(JSON.parse(admin.body.data.items[0].properties)).toMatchObject({ discordInstanceId: '1118138338562560102' });
    const other = await mine(bob.token).expect(200);
    expect(other.body.data.items[0]).toMatchObject({ code: 0, description: '', state: '', buttons: '[]' });
    await t.sql('DELETE FROM tasks WHERE id = ?', [id]);
  });

  it('ignores unknown parameters', async () => {
    const res = await mine(alice.token, '?colour=blue').expect(200);
    expect(res.body.data.total).toBe(3);
  });

  it('filters by status and action', async () => {
    const failed = await mine(alice.token, '?status=FAILURE').expect(200);
    expect(failed.body.data.items.map((i: { mj_id: string }) => i.mj_id)).toEqual(['1000000000000002']);
    expect(failed.body.data.total).toBe(1);
    const videos = await all('?action=VIDEO').expect(200);
    expect(videos.body.data.items.map((i: { mj_id: string }) => i.mj_id)).toEqual(['2000000000000002']);
  });

  it('gives admins every task with user_id and channel_id, filterable by channel (also as a string) and user', async () => {
    const res = await all().expect(200);
    expect(res.body.data.total).toBe(5);
    expect(res.body.data.items[0]).toMatchObject({ user_id: bob.id, channel_id: 3, mj_id: '2000000000000002' });
    const byChannel = await all('?channel_id=2').expect(200);
    expect(byChannel.body.data.total).toBe(2);
    expect(byChannel.body.data.items.map((i: { channel_id: number }) => i.channel_id)).toEqual([2, 2]);
    const byUserAndChannel = await all(`?channel_id=1&user_id=${alice.id}`).expect(200);
    expect(byUserAndChannel.body.data.total).toBe(2);
    const bad = await all('?channel_id=one').expect(400);
    expect(bad.body.message).toContain('channel_id');
  });

  it('answers 401 without a token and 403 for a user on the admin list', async () => {
    const none = await t.http.get('/api/mj/self').expect(401);
    expect(none.body).toMatchObject({ success: false });
    expect(none.body.message).toMatch(/log in/i);
    await t.http.get('/api/mj/').expect(401);
    await t.http.get('/api/mj/self').set('Authorization', 'Bearer not-a-jwt').expect(401);
    const forbidden = await t.http.get('/api/mj/').set('Authorization', `Bearer ${alice.token}`).expect(403);
    expect(forbidden.body).toMatchObject({ success: false, message: 'This needs the admin role' });
  });

  it('keeps totals exact as tasks are added and change status', async () => {
    await insertTasks(t, [{ userId: alice.id, channelId: 2, status: 'SUBMITTED', progress: '0%' }]);
    expect((await mine(alice.token)).body.data.total).toBe(4);
    expect((await all('?channel_id=2')).body.data.total).toBe(3);
    await t.sql(`UPDATE tasks SET status = 'SUCCESS' WHERE user_id = ? AND status = 'SUBMITTED'`, [alice.id]);
    expect((await mine(alice.token, '?status=SUCCESS')).body.data.total).toBe(2);
    expect((await mine(alice.token, '?status=SUBMITTED')).body.data.total).toBe(0);
    expect((await all('?status=SUCCESS&channel_id=2')).body.data.total).toBe(2);
  });

  it('answers many different lists at once exactly as it answers them one by one', async () => {
    const queries = [
      ...['', '?status=SUCCESS', '?action=VIDEO', '?page_size=2&p=2', `?start_timestamp=${base}&end_timestamp=${base + 20}`].map(
        (query) => () => mine(alice.token, query),
      ),
      ...['', '?channel_id=2', `?user_id=${bob.id}`, '?status=FAILURE&action=UPSCALE', `?end_timestamp=${base + 15}`].map(
        (query) => () => all(query),
      ),
    ];
    const answer = async (request: () => ReturnType<typeof all>) => {
      const res = await request();
      return [res.status, res.body.data?.total, res.body.data?.items.map((item: { id: number }) => item.id)];
    };
    const oneByOne: unknown[] = [];
    for (const request of queries) oneByOne.push(await answer(request));
    for (let round = 0; round < 5; round++) {
      const together = await Promise.all([...queries, ...queries, ...queries].map(answer));
      expect(together).toEqual([...oneByOne, ...oneByOne, ...oneByOne]);
    }
  });

  it('answers the exact total of time ranges, whole UTC days or not, as rows are written, moved and deleted', async () => {
    const DAY = 86_400_000;
    const day0 = Math.floor(1_750_000_000_000 / DAY) * DAY; // a UTC midnight, far from the other tasks here
    const inDay = [0, 1, DAY / 2, DAY - 1];
    await insertTasks(
      t,
      Array.from({ length: 60 }, (_, i) => ({
        userId: [alice, bob][i % 2].id,
        channelId: 1 + (i % 3),
        submitTime: day0 + (i % 5) * DAY + inDay[Math.floor(i / 5) % 4],
      })),
    );
    await t.sql(`UPDATE tasks SET submit_time = submit_time + ? WHERE submit_time >= ? AND id % 4 = 0`, [DAY / 2, day0]);
    await t.sql(`UPDATE tasks SET user_id = ?, channel_id = 2 WHERE submit_time >= ? AND id % 5 = 0`, [alice.id, day0]);
    await t.sql(`DELETE FROM tasks WHERE submit_time >= ? AND id % 7 = 0`, [day0]);

    // Partial days of up to half a day are counted on the time index, larger ones as the day's counter less the rest.
    const points = [
      ...[day0 - 1, day0, day0 + 1, day0 + DAY - 1, day0 + DAY, day0 + 2 * DAY + DAY / 2],
      ...[day0 + 3 * DAY + DAY / 4, day0 + 4 * DAY + (3 * DAY) / 4, day0 + 5 * DAY - 1, day0 + 6 * DAY],
    ];
    const ranges: [number | undefined, number | undefined][] = [
      ...points.flatMap((from) => points.filter((to) => to >= from).map((to): [number, number] => [from, to])),
      ...points.map((from): [number, undefined] => [from, undefined]),
      ...points.map((to): [undefined, number] => [undefined, to]),
    ];
    const views: { name: string; list: (query: string) => ReturnType<typeof all>; where: string; params: unknown[] }[] = [
      { name: 'alice', list: (query) => mine(alice.token, query), where: 'user_id = ?', params: [alice.id] },
      { name: 'all', list: (query) => all(query), where: 'true', params: [] },
      { name: 'channel 2', list: (query) => all(`${query}&channel_id=2`), where: 'channel_id = 2', params: [] },
      { name: 'bob (admin)', list: (query) => all(`${query}&user_id=${bob.id}`), where: 'user_id = ?', params: [bob.id] },
    ];
    for (const [from, to] of ranges) {
      const query = `?${[from !== undefined && `start_timestamp=${from}`, to !== undefined && `end_timestamp=${to}`].filter(Boolean).join('&')}`;
      for (const view of views) {
        const [row] = await t.sql<{ n: string }>(
          `SELECT count(*) AS n FROM tasks WHERE ${view.where} AND submit_time >= ? AND submit_time <= ?`,
          [...view.params, from ?? 0, to ?? Number.MAX_SAFE_INTEGER],
        );
        const res = await view.list(query).expect(200);
        expect([view.name, query, res.body.data.total]).toEqual([view.name, query, Number(row.n)]);
      }
    }
  });

  it('pages a busy time range newest first by id, tasks whose time disagrees with their id included', async () => {
    const DAY = 86_400_000;
    const day0 = Math.floor(1_600_000_000_000 / DAY) * DAY; // a UTC midnight, before every other task here
    // 110,000 tasks over two days in id order. The first pages of a range are walked down the id index within the
    // range's id bounds; the deep ones (offset 14,900) are read from the time index and sorted.
    await t.sql(
      `INSERT INTO tasks (user_id, channel_id, mj_id, upstream_id, action, status, progress, submit_time)
       SELECT CASE WHEN g % 2 = 0 THEN ?::int ELSE ?::int END, 1 + g % 3, 'r' || g, 'r' || g, 'IMAGINE', 'SUCCESS', '100%',
         ?::bigint + (g * ?::bigint) / 110000
       FROM generate_series(0, 109999) g`,
      [alice.id, bob.id, day0, 2 * DAY],
    );
    // Out of order: older tasks moved half a day on, some to another owner, and holes; then pairs of tasks of one owner
    // and channel a day apart swap their times in one statement: each day's counts stay as they were while a newer id
    // enters the earlier day and an older one the later day.
    const [first] = await t.sql<{ id: number }>(`SELECT min(id) AS id FROM tasks WHERE mj_id LIKE 'r%'`);
    await t.sql(`UPDATE tasks SET submit_time = submit_time + ?, user_id = ? WHERE mj_id LIKE 'r%' AND (id - ?) % 1009 = 7`, [
      DAY / 2,
      alice.id,
      first.id,
    ]);
    await t.sql(`DELETE FROM tasks WHERE mj_id LIKE 'r%' AND (id - ?) % 101 = 0`, [first.id]);
    await t.sql(
      `UPDATE tasks t SET submit_time = s.submit_time
       FROM generate_series(3, 54999, 1000) g JOIN tasks l ON l.mj_id = 'r' || g JOIN tasks h ON h.mj_id = 'r' || (g + 55002), tasks s
       WHERE (t.id = l.id AND s.id = h.id) OR (t.id = h.id AND s.id = l.id)`,
    );

    const ranges: [number | undefined, number | undefined][] = [
      [day0 + DAY, day0 + 2 * DAY - 1],
      [day0 + DAY / 3, day0 + DAY + DAY / 2],
      [day0, undefined],
      [undefined, day0 + DAY - 1],
    ];
    const views = [
      { name: 'all', list: (query: string) => all(query), where: 'true', params: [] as unknown[] },
      { name: 'channel 2', list: (query: string) => all(`${query}&channel_id=2`), where: 'channel_id = 2', params: [] },
      { name: 'alice', list: (query: string) => mine(alice.token, query), where: 'user_id = ?', params: [alice.id] },
    ];
    for (const [from, to] of ranges) {
      const range = [from !== undefined && `start_timestamp=${from}`, to !== undefined && `end_timestamp=${to}`].filter(Boolean).join('&');
      for (const view of views) {
        for (const [p, size] of [
          [1, 100],
          [2, 100],
          [150, 100],
        ]) {
          const expected = await t.sql<{ mj_id: string }>(
            `SELECT mj_id FROM tasks WHERE ${view.where} AND submit_time >= ? AND submit_time <= ? ORDER BY id DESC LIMIT ? OFFSET ?`,
            [...view.params, from ?? 0, to ?? Number.MAX_SAFE_INTEGER, size, (p - 1) * size],
          );
          const res = await view.list(`?${range}&p=${p}&page_size=${size}`).expect(200);
          const got = res.body.data.items.map((item: { mj_id: string }) => item.mj_id);
          expect([view.name, range, p, got]).toEqual([view.name, range, p, expected.map((row) => row.mj_id)]);
        }
      }
    }
  });

  it('answers the exact total for every mix of owner or channel, status and action, as rows are written, moved and deleted', async () => {
    const statuses = ['SUCCESS', 'FAILURE', 'IN_PROGRESS'];
    const actions = ['IMAGINE', 'UPSCALE', 'VIDEO'];
    const users = [alice, bob];
    // A fixed mix over every combination, written as multi-row statements (the counters move per statement).
    await insertTasks(
      t,
      Array.from({ length: 36 }, (_, i) => ({
        userId: users[i % 2].id,
        channelId: 1 + (i % 3),
        status: statuses[Math.floor(i / 3) % 3],
        action: actions[Math.floor(i / 9) % 3],
      })),
    );
    await t.sql(`UPDATE tasks SET action = 'VIDEO', status = 'FAILURE' WHERE id % 4 = 0`);
    await t.sql(`UPDATE tasks SET user_id = ?, channel_id = 3 WHERE id % 5 = 0`, [bob.id]);
    await t.sql(`DELETE FROM tasks WHERE id % 7 = 0`);

    const counted = async (where: string, params: unknown[]) =>
      Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM tasks WHERE ${where}`, params))[0].n);
    for (const status of [undefined, ...statuses]) {
      for (const action of [undefined, ...actions]) {
        const query = [status && `status=${status}`, action && `action=${action}`].filter(Boolean).join('&');
        const match = `(?::text IS NULL OR status = ?) AND (?::text IS NULL OR action = ?)`;
        const values = [status ?? null, status ?? null, action ?? null, action ?? null];
        for (const user of users) {
          const res = await mine(user.token, `?${query}`).expect(200);
          expect([query, res.body.data.total]).toEqual([query, await counted(`user_id = ? AND ${match}`, [user.id, ...values])]);
        }
        for (const channel of [undefined, 1, 2, 3]) {
          const res = await all(`?${query}${channel ? `&channel_id=${channel}` : ''}`).expect(200);
          const where = channel ? `channel_id = ${channel} AND ${match}` : match;
          expect([query, channel, res.body.data.total]).toEqual([query, channel, await counted(where, values)]);
        }
      }
    }
  });
});
