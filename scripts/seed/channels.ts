import type { Client } from 'pg';

/**
 * Ids of channels seed-1..seed-C, created when missing. Their upstreams do not exist (the .invalid domain never
 * resolves): seeded data is for lists and benchmarks, not for relaying.
 */
export async function seedChannels(client: Client, count: number): Promise<{ ids: number[]; created: number }> {
  const created = await client.query(
    `INSERT INTO channels (name, base_url)
     SELECT 'seed-' || g, 'http://mj-proxy-' || g || '.invalid' FROM generate_series(1, $1::int) g
     WHERE NOT EXISTS (SELECT 1 FROM channels c WHERE c.name = 'seed-' || g AND c.deleted_at IS NULL)
     ORDER BY g`,
    [count],
  );
  const { rows } = await client.query<{ id: number }>(
    `SELECT min(c.id) AS id FROM generate_series(1, $1::int) g
     JOIN channels c ON c.name = 'seed-' || g AND c.deleted_at IS NULL GROUP BY g ORDER BY g`,
    [count],
  );
  return { ids: rows.map((row) => row.id), created: created.rowCount ?? 0 };
}
