import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp, createHttpAdapter } from '../../apps/api/src/bootstrap';
import { serveConsole } from '../../apps/api/src/console';
import { ADMIN } from '../app';
import { createTestDatabase, TestDatabase } from '../database';
import { CONSOLE_DIST } from './build-console';

/** These specs run under jest.browser.config.js only (its global setup builds the console); elsewhere they skip. */
export const describeBrowser = process.env.CONSOLE_BROWSER_TESTS === '1' ? describe : describe.skip;

export interface ConsoleGateway {
  app: INestApplication;
  url: string;
  http: ReturnType<typeof request>;
  adminToken(): Promise<string>;
  login(username: string, password: string): Promise<string>;
  createUser(user: { username: string; password: string; role?: 'user' | 'admin'; quota?: number }): Promise<{ id: number; token: string }>;
  close(): Promise<void>;
}

/**
 * The whole gateway on a fresh PostgreSQL database, as main.ts builds it, plus the built console at `/`
 * (what test/app.ts does, with serveConsole before listen; serveConsole is idempotent once bootstrap calls it too).
 */
export async function startConsoleGateway(env: Record<string, string> = {}): Promise<ConsoleGateway> {
  const db: TestDatabase = await createTestDatabase();
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'mj-browser-')),
    LOG_LEVEL: 'silent',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_RATE_LIMIT: '1000',
    LOGIN_ADDRESS_RATE_LIMIT: '1000',
    DB_POOL_MAX: '5',
    POLL_INTERVAL_MS: '300',
    // The simulators listen on loopback (random ports), which the media fetcher refuses unless allowed.
    MEDIA_FETCH_ALLOWLIST: '127.0.0.1:1024-65535',
    // The callback receiver of the API-keys test listens there too.
    HOOK_ALLOWLIST: '127.0.0.1:1024-65535',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication(createHttpAdapter(), { logger: false });
  configureApp(app);
  if (!serveConsole(app, CONSOLE_DIST)) throw new Error(`no console build in ${CONSOLE_DIST}`);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const http = request(app.getHttpServer());
  let adminToken: string | undefined;

  const gateway: ConsoleGateway = {
    app,
    url,
    http,
    async login(username, password) {
      const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username, password });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data.access_token as string;
    },
    async adminToken() {
      adminToken ??= await gateway.login(ADMIN.username, ADMIN.password);
      return adminToken;
    },
    async createUser({ username, password, role, quota }) {
      const res = await request(app.getHttpServer())
        .post('/api/users')
        .set('Authorization', `Bearer ${await gateway.adminToken()}`)
        .send({ username, password, role, quota });
      if (res.status !== 201) throw new Error(`create ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.data.id as number, token: await gateway.login(username, password) };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
  return gateway;
}
