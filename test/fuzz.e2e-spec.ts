import fc from 'fast-check';
import { createTestApp, TestApp } from './app';
import { insertTasks } from './builders';

const PARAMETERS = ['p', 'page_size', 'mj_id', 'start_timestamp', 'end_timestamp', 'status', 'action', 'channel_id', 'user_id', 'x'];

/** Values a careless or hostile client sends: numbers of every size, words, encodings, empties, repeats. */
const value = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double().map(String),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', ' ', '%', '%ZZ', '1e309', 'NaN', '-0', '0x10', 'null', '[]', '{}', '１２', 'SUCCESS', 'IMAGINE', "1' OR '1'='1"),
);
const query = fc
  .array(fc.tuple(fc.constantFrom(...PARAMETERS), value), { maxLength: 6 })
  .map((pairs) => pairs.map(([key, v]) => `${key}=${encodeURIComponent(v).replace(/%25ZZ/, '%ZZ')}`).join('&'));

describe('random and malformed input never gets a 5xx', () => {
  let t: TestApp;
  let user: string;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    const alice = await t.createUser({ username: 'alice' });
    user = alice.token;
    await insertTasks(t, [{ userId: alice.id }, { userId: alice.id, status: 'FAILURE' }]);
  });

  afterAll(() => t.close());

  it('on both task lists', async () => {
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (q, asAdmin) => {
        const path = asAdmin ? '/api/mj/' : '/api/mj/self';
        const res = await t.http.get(`${path}?${q}`).set('Authorization', `Bearer ${asAdmin ? admin : user}`);
        expect([200, 400]).toContain(res.status);
        expect(typeof res.body.success).toBe('boolean');
        if (res.status === 400) expect(res.body.message).toMatch(/\w/);
      }),
      { numRuns: 300 },
    );
  });

  it('on login', async () => {
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ username: fc.jsonValue(), password: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const res = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send(raw);
        expect([400, 401, 429]).toContain(res.status);
        expect(res.body.success).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
