import { createTestApp, TestApp } from './app';

describe('GET /api/health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(() => t.close());

  it('answers 200 while the database answers, and 503 in the envelope once it is gone', async () => {
    await t.http.get('/api/health').expect(200);
    await t.db!.drop();
    const res = await t.http.get('/api/health').expect(503);
    expect(res.body).toEqual({ success: false, message: 'Database is unreachable' });
  });
});
