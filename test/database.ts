import { MikroORM } from '@mikro-orm/core';
import { Client } from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import { applyMigrations, ormOptions } from '@app/core';
import { migrationsList } from '../libs/core/src/database/migrations';

/** The PostgreSQL server the tests use (`TEST_DATABASE_URL`, default the local one). */
export const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * The migrated template every test file's database is cloned from; its name changes with the migration list and
 * with the checkout, so two checkouts testing at once on one server never drop each other's template.
 */
const checkout = createHash('sha256').update(__dirname).digest('hex').slice(0, 8);
export const templateName = `mj_template_${migrationsList.length}_${migrationsList.at(-1)!.name.slice(9, 23)}_${checkout}`.toLowerCase();

export function databaseUrl(name: string, base = serverUrl): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function migrate(url: string): Promise<void> {
  const orm = await MikroORM.init(ormOptions(url, 2));
  try {
    await applyMigrations(orm, url);
  } finally {
    await orm.close();
  }
}

/** Builds the template database from scratch (run once, in Jest's global setup). */
export async function prepareTemplate(): Promise<void> {
  await withServer(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${templateName}`);
    await client.query(`CREATE DATABASE ${templateName}`);
  });
  await migrate(databaseUrl(templateName));
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file, cloned from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `mj_test_${randomBytes(6).toString('hex')}`;
  await withServer(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
        return;
      } catch (error) {
        // Two files cloning the template at the same moment: PostgreSQL asks one to wait its turn.
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  return {
    name,
    url: databaseUrl(name),
    drop: () => withServer(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
