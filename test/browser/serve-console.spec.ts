import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_DIST } from './build-console';
import { describeBrowser, startConsoleGateway, type ConsoleGateway } from './gateway';

/** serveConsole: the built console at `/`, index.html for client routes, never in place of the API. */
describeBrowser('serveConsole', () => {
  let g: ConsoleGateway;

  beforeAll(async () => {
    g = await startConsoleGateway();
  });
  afterAll(() => g?.close());

  it('answers index.html, never cached, at / and on client routes', async () => {
    for (const path of ['/', '/tasks', '/tasks/12/show?mj_id=1712', '/imagine', '/index.html']) {
      const res = await g.http.get(path).set('Accept', 'text/html');
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with a long immutable cache, and 404s a missing one', async () => {
    const asset = readdirSync(join(CONSOLE_DIST, 'assets')).find((name) => name.endsWith('.js'))!;
    const res = await g.http.get(`/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
    const missing = await g.http.get('/assets/missing-0000.js');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('<div id="root">');
  });

  it('never answers the API, the relay or metrics with the console', async () => {
    for (const path of ['/api/nothing-here', '/api', '/mj/nothing-here', '/mj-fast/mj/task/1/fetch', '/metrics', '/favicon-missing.ico']) {
      const res = await g.http.get(path).set('Accept', 'text/html');
      expect([path, res.text.includes('<div id="root">')]).toEqual([path, false]);
    }
    const health = await g.http.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body.success).toBe(true);
  });

  it('leaves other methods to the API', async () => {
    const res = await g.http.post('/tasks').send({});
    expect(res.text).not.toContain('<div id="root">');
  });
});
