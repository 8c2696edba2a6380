import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ADMIN, createTestApp, TestApp } from './app';
import { buildServer, startGatewayProcess } from './cluster';
import { createTestDatabase, TestDatabase } from './database';
import { lines, runScript } from './scripts';

jest.setTimeout(120000);

const login = (url: Parameters<typeof request>[0], username: string, password: string) =>
  request(url).post('/api/auth/login').send({ username, password });

describe('npm run admin (the admin CLI)', () => {
  beforeAll(() => buildServer());

  describe('on PostgreSQL', () => {
    let db: TestDatabase;
    let t: TestApp;
    const admin = (args: string[], input?: string) => runScript('scripts/admin.js', args, { DATABASE_URL: db.url }, input);

    beforeAll(async () => {
      db = await createTestDatabase();
      t = await createTestApp({ databaseUrl: db.url });
    });

    afterAll(async () => {
      await t.close();
      await db.drop();
    });

    it('reset-password prints a new password that logs in; the old one and its sessions stop working', async () => {
      const oldToken = await t.adminToken();
      const run = await admin(['reset-password', 'admin']);
      expect(run.code).toBe(0);
      const password = /New password for "admin": (\S+)/.exec(run.stdout)![1];
      expect(password.length).toBeGreaterThanOrEqual(12);
      expect((await login(t.app.getHttpServer(), 'admin', password)).status).toBe(200);
      expect((await login(t.app.getHttpServer(), 'admin', ADMIN.password)).status).toBe(401);
      await request(t.app.getHttpServer()).get('/api/user/self').set('Authorization', `Bearer ${oldToken}`).expect(401);
    });

    it('reset-password --password-stdin takes the password from stdin', async () => {
      const run = await admin(['reset-password', 'ADMIN', '--password-stdin'], 'chosen-password-42\n');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Password of "admin" changed');
      expect(run.stdout).not.toContain('chosen-password-42');
      expect((await login(t.app.getHttpServer(), 'admin', 'chosen-password-42')).status).toBe(200);
    });

    it('create-admin makes an admin who can log in and manage users; list-users shows everyone', async () => {
      const run = await admin(['create-admin', 'carol', '--password-stdin'], 'carols-password-1\n');
      expect(run.code).toBe(0);
      const res = await login(t.app.getHttpServer(), 'carol', 'carols-password-1').expect(200);
      expect(res.body.data.user.role).toBe('admin');
      await request(t.app.getHttpServer())
        .post('/api/users')
        .set('Authorization', `Bearer ${res.body.data.access_token}`)
        .send({ username: 'dora', password: 'doras-password-1', quota: 1234 })
        .expect(201);
      const list = await admin(['list-users']);
      expect(list.code).toBe(0);
      const table = lines(list.stdout);
      expect(table[0].split(/\s+/)).toEqual(['id', 'username', 'role', 'status', 'balance', 'created']);
      const rows = table.slice(1).map((line) => line.split(/\s+/).slice(1, 5));
      expect(rows).toEqual(
        expect.arrayContaining([
          ['admin', 'admin', 'enabled', '0'],
          ['carol', 'admin', 'enabled', '0'],
          ['dora', 'user', 'enabled', '1234'],
        ]),
      );
    });

    it('refuses in one line: a taken name, an unknown user, a short password, an unknown command', async () => {
      for (const [args, input, message] of [
        [['create-admin', 'carol'], '', /^admin: username "carol" is taken: npm run admin -- reset-password carol$/],
        [['reset-password', 'nobody'], '', /^admin: no user "nobody"/],
        [
          ['reset-password', 'admin', '--password-stdin'],
          'short\n',
          /^admin: the password from stdin must be at least 8 characters, got 5$/,
        ],
      ] as const) {
        const run = await admin([...args], input);
        expect(run.code).toBe(1);
        expect(lines(run.stderr).filter((line) => !line.startsWith('Database:'))).toEqual([expect.stringMatching(message)]);
      }
      const unknown = await admin(['frobnicate']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^admin: unknown command "frobnicate"\nUsage: npm run admin/);
    });
  });

  describe('on the embedded database', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mj-admin-cli-'));
    const admin = (args: string[]) => runScript('scripts/admin.js', args, { DATA_DIR: dataDir });

    it('creates an admin before the first start; the gateway then starts with it, and the CLI waits its turn', async () => {
      const created = await admin(['create-admin', 'erin']);
      expect(created.code).toBe(0);
      expect(created.stderr).toContain(`Database: embedded PGlite in ${join(dataDir, 'pglite')}`);
      const password = /Created admin "erin" with the password: (\S+)/.exec(created.stdout)![1];

      const gateway = await startGatewayProcess({ DATA_DIR: dataDir });
      try {
        // erin is an admin already: no second admin with a generated password is made.
        const res = await login(gateway.url, 'erin', password).expect(200);
        const users = await request(gateway.url).get('/api/users').set('Authorization', `Bearer ${res.body.data.access_token}`).expect(200);
        expect(users.body.data.items.map((u: { username: string }) => u.username)).toEqual(['erin']);

        const busy = await admin(['list-users']);
        expect(busy.code).toBe(1);
        expect(lines(busy.stderr)).toEqual([
          expect.stringMatching(/^admin: The embedded database in .+ is in use by process \d+ \(a running gateway\?\): stop it first$/),
        ]);
      } finally {
        await gateway.stop();
      }
      const list = await admin(['list-users']);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/\berin\s+admin\s+enabled\b/);
    });
  });
});
