import { Client } from 'pg';

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function dropDatabase(serverUrl: string, name: string): Promise<void> {
  return onServer(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
  });
}

export async function createFreshDatabase(serverUrl: string, name: string): Promise<void> {
  await dropDatabase(serverUrl, name);
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${quoted(name)}`));
}

/** Tasks and seeded users in a kept database, or null when it is missing or was never seeded. */
export function seededSize(serverUrl: string, name: string): Promise<{ tasks: number; users: number } | null> {
  return onServer(serverUrl, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) return null;
    const db = new Client({ connectionString: databaseUrl(serverUrl, name) });
    await db.connect();
    try {
      const { rows } = await db.query<{ tasks: string; users: string }>(
        `SELECT (SELECT coalesce(sum(n), 0) FROM task_counts_by_channel) AS tasks,
                (SELECT count(*) FROM users WHERE username ~ '^user[0-9]+$') AS users`,
      );
      return { tasks: Number(rows[0].tasks), users: Number(rows[0].users) };
    } catch {
      return null;
    } finally {
      await db.end();
    }
  });
}
