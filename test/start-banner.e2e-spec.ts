import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { buildServer, startGatewayProcess } from './cluster';
import { createTestDatabase, TestDatabase } from './database';
import { lines, runScript } from './scripts';

jest.setTimeout(120000);

/** The banner's rows, by name: `  Database  embedded PGlite in …`. */
function bannerRows(output: string): Record<string, string> {
  const start = output.indexOf('Gateway listening on');
  const rows: Record<string, string> = {};
  for (const line of output.slice(start).split('\n').slice(1)) {
    const match = /^ {2}(\S[\w ]*?) {2,}(.+)$/.exec(line);
    if (match) rows[match[1]] = match[2];
    else if (!/^ {12}/.test(line)) break;
  }
  return rows;
}

describe('what npm start shows a person', () => {
  beforeAll(() => buildServer());

  it('a banner with the console, the docs, the embedded database, the demo channel and, on the first start only, the admin', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mj-banner-'));
    const env = { DATA_DIR: dataDir, DEMO: '1', LOG_FORMAT: 'pretty', LOG_LEVEL: 'info', ADMIN_PASSWORD: '' };
    const first = await startGatewayProcess(env);
    let rows: Record<string, string>;
    try {
      const port = new URL(first.url).port;
      rows = bannerRows(first.output());
      expect(rows).toMatchObject({
        'API docs': `http://localhost:${port}/api/docs`,
        Database: `embedded PGlite in ${join(dataDir, 'pglite')}`,
        Demo: expect.stringMatching(/^channel "Demo simulator", a midjourney-proxy simulator at http:\/\/127\.0\.0\.1:\d+/),
        Admin: expect.stringMatching(/^admin \/ \S+$/),
      });
      expect(rows.Console).toMatch(new RegExp(`^(http://localhost:${port}/|not built)`));
      // The password shown logs in.
      const password = rows.Admin.split(' / ')[1];
      await request(first.url).post('/api/auth/login').send({ username: 'admin', password }).expect(200);
      await request(first.url).get('/api/docs').expect(200);

      // Plain lines, one per event; Nest's module and route listing is not among them at info.
      const output = first.output();
      expect(output).not.toMatch(/^\{"level"/m);
      expect(output).not.toMatch(/InstanceLoader|RoutesResolver|Mapped \{/);
      expect(output).toMatch(/INFO.*Database: embedded PGlite in/);
    } finally {
      await first.stop();
    }

    const second = await startGatewayProcess(env);
    try {
      const again = bannerRows(second.output());
      expect(again.Database).toBe(rows.Database);
      expect(again.Admin).toBeUndefined();
      expect(second.output()).not.toContain(rows.Admin.split(' / ')[1]);
    } finally {
      await second.stop();
    }
  });

  describe('on PostgreSQL, not at a terminal', () => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase();
    });

    afterAll(() => db.drop());

    it('logs JSON, and the banner is one JSON line naming the host, never the password', async () => {
      const url = new URL(db.url);
      url.username = 'postgres';
      url.password = 'not-a-real-secret';
      const gateway = await startGatewayProcess({ DATABASE_URL: url.toString(), LOG_LEVEL: 'info', ADMIN_PASSWORD: 'banner-password-1' });
      try {
        const output = gateway.output();
        expect(output).not.toContain('not-a-real-secret');
        const banner = lines(output)
          .map((line) => JSON.parse(line))
          .find((event) => /^Gateway listening on/.test(event.msg));
        expect(banner).toMatchObject({
          docs: `${gateway.url.replace('127.0.0.1', 'localhost')}/api/docs`,
          database: `PostgreSQL at 127.0.0.1:5432/${db.name}`,
          demo: 'off',
          admin: { username: 'admin' },
        });
        expect(banner.admin.password).toBeUndefined();
        // Every line is JSON, and Nest's listing only at debug.
        expect(output).not.toContain('"context":"RoutesResolver"');
      } finally {
        await gateway.stop();
      }
    });
  });

  describe('a configuration error', () => {
    const start = (env: Record<string, string>) =>
      runScript('apps/api/src/main.js', [], { DATA_DIR: mkdtempSync(join(tmpdir(), 'mj-config-')), DEMO: '0', ...env });

    it.each([
      [{ JWT_SECRET: 'too-short' }, 'Invalid configuration: JWT_SECRET must be at least 32 characters; got 9 characters (value hidden)'],
      [{ PORT: 'eighty' }, /^Invalid configuration: PORT .+; got "eighty"$/],
      [
        { NODE_ENV: 'production', TRUST_PROXY: 'true' },
        'Invalid configuration: JWT_SECRET is required when NODE_ENV=production; got nothing (it is not set)',
      ],
      [
        { DATABASE_URL: 'mysql://root:hunter2@db/mj' },
        'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL; got "mysql://root:***@db/mj"',
      ],
    ])('%j stops the start with one line and exit code 1', async (env, message) => {
      const run = await start(env);
      expect(run.code).toBe(1);
      expect(lines(run.stdout + run.stderr)).toEqual([typeof message === 'string' ? message : expect.stringMatching(message)]);
    });
  });
});
