import type { Client } from 'pg';
import { hashPassword } from '@app/auth';

export const SEED_PASSWORD = 'password123';

export interface UserSeedResult {
  /** Ids of user1..userN in that order: index 0 is user1, the heaviest task owner. */
  ids: number[];
  created: number;
}

/** Creates user1..userN (one argon2 hash shared by all: hashing a million passwords would take hours). */
export async function seedUsers(client: Client, count: number): Promise<UserSeedResult> {
  const passwordHash = await hashPassword(SEED_PASSWORD);
  const created = await client.query(
    `INSERT INTO users (username, password_hash, quota)
     SELECT 'user' || g, $2, 1000000 * (1 + g % 50) FROM generate_series(1, $1::int) g
     ON CONFLICT ((lower(username))) DO NOTHING`,
    [count, passwordHash],
  );
  const { rows } = await client.query<{ id: number }>(
    `SELECT u.id FROM generate_series(1, $1::int) g JOIN users u ON lower(u.username) = 'user' || g ORDER BY g`,
    [count],
  );
  return { ids: rows.map((row) => row.id), created: created.rowCount ?? 0 };
}
