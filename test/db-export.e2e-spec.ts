import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { SimulatorHandle, startSimulator } from '@app/mj-simulator';
import { buildServer, GatewayProcess, startGatewayProcess } from './cluster';
import { createTestDatabase, TestDatabase } from './database';
import { lines, runScript } from './scripts';
import { until } from './upstream';

jest.setTimeout(240000);

const ADMIN_PASSWORD = 'export-admin-password';
const ALICE = { username: 'alice', password: 'alice-password-1' };

/** What a user and an admin see of the gateway, to compare before and after the move. */
interface Seen {
  aliceQuota: number;
  aliceLedger: number;
  aliceTasks: number;
  allTasks: number;
  byStatus: Record<string, number>;
  users: string[];
}

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await request(url).post('/api/auth/login').send({ username, password }).expect(200);
  return res.body.data.access_token;
}

async function look(url: string): Promise<Seen> {
  const admin = await login(url, 'admin', ADMIN_PASSWORD);
  const alice = await login(url, ALICE.username, ALICE.password);
  const get = async (path: string, token: string) =>
    (await request(url).get(path).set('Authorization', `Bearer ${token}`).expect(200)).body.data;
  const byStatus: Record<string, number> = {};
  for (const status of ['NOT_START', 'SUBMITTED', 'MODAL', 'IN_PROGRESS', 'FAILURE', 'SUCCESS', 'CANCEL']) {
    byStatus[status] = (await get(`/api/mj/?status=${status}&page_size=1`, admin)).total;
  }
  const users = await get('/api/users?page_size=100', admin);
  return {
    aliceQuota: (await get('/api/user/self', alice)).quota,
    aliceLedger: (await get('/api/ledger/self?page_size=1', alice)).total,
    aliceTasks: (await get('/api/mj/self?page_size=1', alice)).total,
    allTasks: (await get('/api/mj/?page_size=1', admin)).total,
    byStatus,
    users: users.items.map((u: { username: string }) => u.username).sort(),
  };
}

const mediaFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];

describe('npm run db:export: from the embedded database to PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mj-export-'));
  const gatewayEnv = {
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    POLL_INTERVAL_MS: '100',
    POLL_MAX_BACKOFF_MS: '300',
    MEDIA_ARCHIVE_INTERVAL_MS: '200',
  };
  let sim: SimulatorHandle;
  let target: TestDatabase;
  let before: Seen;
  let key: string;
  let taskId: string;

  beforeAll(async () => {
    buildServer();
    sim = await startSimulator({ port: 0, taskMs: 300 });
    target = await createTestDatabase();

    // A seeded embedded database: users, channels and tasks in every state...
    const seed = await runScript('scripts/seed.js', ['--users', '3', '--tasks', '400', '--channels', '2'], { DATA_DIR: dataDir });
    expect(seed.code).toBe(0);
    // ...then used through the gateway: a user with a balance (ledger), an API key, a finished task with its image stored.
    const gateway = await startGatewayProcess({ ...gatewayEnv, MEDIA_FETCH_ALLOWLIST: `127.0.0.1:${sim.port}` });
    try {
      const admin = await login(gateway.url, 'admin', ADMIN_PASSWORD);
      const asAdmin = (path: string, body: object) => request(gateway.url).post(path).set('Authorization', `Bearer ${admin}`).send(body);
      await asAdmin('/api/channels', { name: 'simulator', base_url: sim.url, priority: 10 }).expect(201);
      await asAdmin('/api/users', { ...ALICE, quota: 2_000_000 }).expect(201);
      const alice = await login(gateway.url, ALICE.username, ALICE.password);
      key = (await request(gateway.url).post('/api/tokens').set('Authorization', `Bearer ${alice}`).send({ name: 'cli' }).expect(201)).body
        .data.key;
      const submit = await request(gateway.url)
        .post('/mj/submit/imagine')
        .set('mj-api-secret', key)
        .send({ prompt: 'a harbour in fog' })
        .expect(200);
      taskId = submit.body.result;
      await until(
        async () => (await request(gateway.url).get(`/mj/task/${taskId}/fetch`).set('mj-api-secret', key)).body.status === 'SUCCESS',
        30000,
      );
      await until(async () => mediaFiles(join(dataDir, 'media')).length > 0, 30000);
      before = await look(gateway.url);
    } finally {
      await gateway.stop();
    }
    // From here on the upstream is gone: the image can only come from the gateway's own store.
    await sim.close();
  });

  afterAll(() => target.drop());

  it('the source has what the move must keep', () => {
    expect(before.aliceTasks).toBe(1);
    expect(before.allTasks).toBe(401);
    expect(before.aliceLedger).toBeGreaterThanOrEqual(3);
    expect(Object.values(before.byStatus).filter((n) => n > 0).length).toBeGreaterThanOrEqual(6);
    expect(before.users).toEqual(['admin', 'alice', 'user1', 'user2', 'user3']);
  });

  it('refuses a database that already holds data, in one line', async () => {
    const filled = await createTestDatabase();
    try {
      const client = new Client({ connectionString: filled.url });
      await client.connect();
      await client.query(`INSERT INTO users (username, password_hash) VALUES ('someone', 'x')`);
      await client.end();
      const run = await runScript('scripts/db-export.js', ['--to', filled.url], { DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toEqual([
        'db:export: the target database is not empty (users: 1 rows): the export copies into an empty database only',
      ]);
    } finally {
      await filled.drop();
    }
  });

  let gateway: GatewayProcess;

  it('copies everything, with rows per table and balances checked in its summary', async () => {
    const run = await runScript('scripts/db-export.js', ['--to', target.url], { DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    const rows = Object.fromEntries(
      lines(run.stdout)
        .map((line) => /^ {2}(\w+)\s+([\d,]+)$/.exec(line))
        .filter(Boolean)
        .map((m) => [m![1], Number(m![2].replace(/,/g, ''))]),
    );
    expect(rows).toMatchObject({ users: 5, tasks: 401, channels: 3, api_keys: 1, media_archive: 1 });
    expect(rows.ledger_entries).toBeGreaterThanOrEqual(3);
    expect(rows.media_objects).toBeGreaterThanOrEqual(1);
    // The unfinished seeded tasks' poll schedule, copied over the rows the tasks' insert trigger started.
    expect(rows.task_polls).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/task_counts_by_user\s+[\d,]+ rows, equal/);
    expect(run.stdout).not.toContain('DIFFERENT');
    expect(run.stdout).toMatch(/Balances: 5 users, .* checked equal, user by user/);
    // The progress went to stderr, plain lines when not at a terminal.
    expect(run.stderr).toMatch(/^tasks: 401\/401 \(100%\)$/m);
  });

  it('then the gateway runs on PostgreSQL with the same logins, keys, lists, balances and media', async () => {
    gateway = await startGatewayProcess({ ...gatewayEnv, DATABASE_URL: target.url });
    try {
      expect(await look(gateway.url)).toEqual(before);
      // The key still works on the relay, and the task's image is served from the store.
      const task = (await request(gateway.url).get(`/mj/task/${taskId}/fetch`).set('mj-api-secret', key).expect(200)).body;
      expect(task.status).toBe('SUCCESS');
      const image = new URL(task.imageUrl);
      const served = await request(gateway.url).get(`${image.pathname}${image.search}`).expect(200);
      expect(served.headers['content-type']).toBe('image/png');
      // A seeded user logs in; new rows take fresh ids after the copied ones.
      await login(gateway.url, 'user1', 'password123');
      const admin = await login(gateway.url, 'admin', ADMIN_PASSWORD);
      await request(gateway.url)
        .post('/api/users')
        .set('Authorization', `Bearer ${admin}`)
        .send({ username: 'newcomer', password: 'newcomer-pass-1' })
        .expect(201);
    } finally {
      await gateway.stop();
    }
  });

  it('db:backup writes a checked copy of the embedded database that restores to the same data', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mj-backup-')), 'backup.tar.gz');
    const run = await runScript('scripts/db-backup.js', ['--out', file], { DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Backup: ${file}`);
    expect(run.stdout).toMatch(/checked: it opens with the same rows\n {2}users 5, api_keys 1, channels 3, tasks 401,/);

    // Restored as the README says, into a new DATA_DIR: the gateway starts on it with the same data.
    const restored = mkdtempSync(join(tmpdir(), 'mj-restored-'));
    mkdirSync(join(restored, 'pglite'));
    execFileSync('tar', ['xzf', file, '-C', join(restored, 'pglite')], { stdio: 'pipe' });
    const copy = await startGatewayProcess({ ...gatewayEnv, DATA_DIR: restored });
    try {
      expect(await look(copy.url)).toEqual(before);
    } finally {
      await copy.stop();
    }
  });
});
