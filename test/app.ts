import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../apps/api/src/app.module';
import { configureApp, createHttpAdapter } from '../apps/api/src/bootstrap';
import { createTestDatabase, TestDatabase } from './database';

export const ADMIN = { username: 'admin', password: 'admin-password-123' };

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  db: TestDatabase | null;
  url: string;
  em(): EntityManager;
  login(username: string, password: string): Promise<string>;
  adminToken(): Promise<string>;
  createUser(user: {
    username: string;
    password?: string;
    role?: 'user' | 'admin';
    quota?: number;
  }): Promise<{ id: number; token: string }>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Use this database instead of a fresh PostgreSQL one (the embedded server of the global setup, say). */
  databaseUrl?: string;
  env?: Record<string, string>;
}

/** The whole gateway on a fresh database, as main.ts builds it, listening on a random port. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.databaseUrl ? null : await createTestDatabase();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl ?? db!.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'mj-test-')),
    LOG_LEVEL: 'silent',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_RATE_LIMIT: '1000',
    LOGIN_ADDRESS_RATE_LIMIT: '1000',
    DB_POOL_MAX: '5',
    DEMO: '0',
    ...options.env,
  };
  // Config is read from process.env at module creation; what this app set is put back on close.
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication(createHttpAdapter(), { logger: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const http = request(app.getHttpServer());
  const orm = app.get(MikroORM);
  let adminToken: string | undefined;

  const testApp: TestApp = {
    app,
    http,
    db,
    url: url.replace('[::1]', '127.0.0.1'),
    em: () => orm.em.fork() as EntityManager,
    async login(username, password) {
      const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username, password });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data.access_token as string;
    },
    async adminToken() {
      adminToken ??= await testApp.login(ADMIN.username, ADMIN.password);
      return adminToken;
    },
    async createUser(user) {
      const password = user.password ?? 'user-password-123';
      const res = await request(app.getHttpServer())
        .post('/api/users')
        .set('Authorization', `Bearer ${await testApp.adminToken()}`)
        .send({ username: user.username, password, role: user.role, quota: user.quota });
      if (res.status !== 201) throw new Error(`create ${user.username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.data.id as number, token: await testApp.login(user.username, password) };
    },
    async sql(text, params = []) {
      const result = await orm.em.getConnection().execute(text, params);
      return result as never;
    },
    async close() {
      await app.close();
      await db?.drop();
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
  return testApp;
}
