import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type TaskEvent, TaskEvents } from '@app/core';
import { startSimulator, SimulatorHandle, SimulatorOptions } from '@app/mj-simulator';
import type { TestApp } from './app';
import { until } from './upstream';

/** A simulator started before the app, so its host:port can go into MEDIA_FETCH_ALLOWLIST. */
export function startMediaSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({ port: 0, taskMs: 300, coreSize: 20, queueSize: 50, ...options });
}

/** Registers a running simulator as a channel through the admin API, ahead of any other (a demo upstream, say). */
export async function registerChannel(t: TestApp, sim: SimulatorHandle, name = 'media sim'): Promise<number> {
  const res = await t.http
    .post('/api/channels')
    .set('Authorization', `Bearer ${await t.adminToken()}`)
    .send({ name, base_url: sim.url, priority: 100 });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.id;
}

/** A task's row as far as the media tests read it: the fields of its change event. */
export type TaskRow = Omit<TaskEvent, 'at'>;

export const taskByMjId = async (t: TestApp, mjId: string): Promise<TaskRow> =>
  (await t.sql<TaskRow>('SELECT id, user_id, channel_id, mj_id, action, status, progress FROM tasks WHERE mj_id = ?', [mjId]))[0];

/** Waits for the poller to bring a task to an end state. */
export const finished = (t: TestApp, mjId: string, timeoutMs = 15000): Promise<TaskRow> =>
  until(async () => {
    const row = await taskByMjId(t, mjId);
    return row && ['SUCCESS', 'FAILURE', 'CANCEL'].includes(row.status) && row;
  }, timeoutMs);

/**
 * Writes a task's result straight into its row and announces it the way the poller does (after commit), for results
 * the simulator cannot produce (a 20 MB blob as an image, a video on an image task).
 */
export async function setResult(
  t: TestApp,
  taskId: number,
  fields: { status?: string; progress?: string; imageUrl?: string; imageUrls?: string[]; videoUrl?: string; videoUrls?: string[] },
): Promise<void> {
  const status = fields.status ?? 'SUCCESS';
  const progress = fields.progress ?? (status === 'SUCCESS' ? '100%' : '50%');
  const [row] = await t.sql<TaskRow>(
    `UPDATE tasks SET status = ?, progress = ?, image_url = ?, image_urls = ?::jsonb, video_url = ?, video_urls = ?::jsonb,
       finish_time = ?, updated_at = ?
     WHERE id = ? RETURNING id, user_id, channel_id, mj_id, action, status, progress`,
    [
      status,
      progress,
      fields.imageUrl ?? '',
      JSON.stringify(fields.imageUrls ?? []),
      fields.videoUrl ?? '',
      JSON.stringify(fields.videoUrls ?? []),
      status === 'SUCCESS' ? Date.now() : 0,
      Date.now(),
      taskId,
    ],
  );
  await outOfPollersWay(t, taskId);
  t.app.get(TaskEvents).publish([{ ...row, at: Date.now() }]);
}

/** Waits until the media store holds the task's result (or gave up on it). */
export const stored = (t: TestApp, taskId: number, state = 'done', timeoutMs = 15000) =>
  until(async () => {
    const rows = await t.sql<{ state: string; last_error: string }>('SELECT state, last_error FROM media_archive WHERE task_id = ?', [
      taskId,
    ]);
    return rows[0]?.state === state && rows[0];
  }, timeoutMs);

export interface Fetched {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body when it is small (≤ keepBytes); only its length otherwise. */
  body: Buffer;
  length: number;
}

/** A GET that streams the answer and drops it (counting bytes), so big downloads cost the test process nothing. */
export function download(url: string, headers: Record<string, string> = {}, keepBytes = 64 * 1024 * 1024): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length <= keepBytes) chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: length <= keepBytes ? Buffer.concat(chunks) : Buffer.alloc(0),
          length,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** An unfinished task's next poll an hour off (a finished one is not on the poll schedule at all). */
const outOfPollersWay = (t: TestApp, taskId: number) =>
  t.sql('UPDATE task_polls SET next_poll_at = ? WHERE task_id = ?', [Date.now() + 3_600_000, taskId]);

let sequence = 0;

/** A task row of our own, out of the poller's way (its next poll is an hour off). Returns its row id. */
export async function insertTask(
  t: TestApp,
  seed: { userId: number; channelId: number; mjId?: string; action?: string; status?: string; progress?: string; imageUrl?: string },
): Promise<{ id: number; mjId: string }> {
  sequence += 1;
  const mjId = seed.mjId ?? `${Date.now()}${String(sequence % 1000).padStart(3, '0')}`;
  const [row] = await t.sql<{ id: number }>(
    `INSERT INTO tasks (user_id, channel_id, mj_id, upstream_id, action, status, progress, image_url, submit_time, deadline_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      seed.userId,
      seed.channelId,
      mjId,
      mjId,
      seed.action ?? 'IMAGINE',
      seed.status ?? 'SUCCESS',
      seed.progress ?? '100%',
      seed.imageUrl ?? '',
      Date.now(),
      Date.now() + 3_600_000,
    ],
  );
  await outOfPollersWay(t, row.id);
  return { id: row.id, mjId };
}
