import type { TestApp } from './app';

export interface TaskSeed {
  userId: number;
  channelId?: number;
  mjId?: string;
  action?: string;
  status?: string;
  progress?: string;
  prompt?: string;
  submitTime?: number;
  quota?: number;
  imageUrl?: string;
}

let sequence = 0;

/** Writes tasks straight into the table (as the relay would record them), returning their row ids. */
export async function insertTasks(app: TestApp, seeds: TaskSeed[]): Promise<number[]> {
  const ids: number[] = [];
  for (const seed of seeds) {
    sequence += 1;
    const rows = await app.sql<{ id: number }>(
      `INSERT INTO tasks (user_id, channel_id, mj_id, upstream_id, action, status, progress, prompt, prompt_en, submit_time, quota, image_url)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        seed.userId,
        seed.channelId ?? 1,
        seed.mjId ?? `${1712345678901000 + sequence}`,
        seed.mjId ?? `${1712345678901000 + sequence}`,
        seed.action ?? 'IMAGINE',
        seed.status ?? 'SUCCESS',
        seed.progress ?? '100%',
        seed.prompt ?? `prompt ${sequence}`,
        seed.prompt ?? `prompt ${sequence}`,
        seed.submitTime ?? Date.now(),
        seed.quota ?? 50000,
        seed.imageUrl ?? '',
      ],
    );
    ids.push(rows[0].id);
  }
  return ids;
}
