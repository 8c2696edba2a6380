import { api, unwrap } from '../api/client';
import { listTasks } from '../dataProvider';
import { TASK_STATUSES, type TaskStatus } from '../tasks/taskRecords';

/**
 * There is no stats endpoint: the figures come from the task lists themselves. Counts are list totals with
 * `page_size=1` (exact and cheap: the API keeps per-user and per-channel counts); a channel's median duration is
 * taken over its latest 100 successes of the window.
 */
export interface StatusCount {
  status: TaskStatus;
  count: number;
}

export interface ChannelStats {
  id: number;
  name: string;
  enabled: boolean;
  succeeded: number;
  failed: number;
  /** succeeded / (succeeded + failed), null when nothing finished. */
  successRate: number | null;
  /** Seconds from start (or submit) to finish, over the sample. */
  medianSeconds: number | null;
}

const DAY_S = 86_400;

export function windowStart(now = Date.now()): number {
  return Math.floor(now / 1000) - DAY_S;
}

export async function countByStatus(since: number): Promise<StatusCount[]> {
  return Promise.all(
    TASK_STATUSES.map(async (status) => ({
      status,
      count: (await listTasks({ status, start_timestamp: since }, { page: 1, perPage: 1 })).total,
    })),
  );
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function channelStats(since: number): Promise<ChannelStats[]> {
  const { items } = await unwrap(api.GET('/api/channels', { params: { query: { p: 1, page_size: 100 } } }));
  return Promise.all(
    items.map(async (channel) => {
      const [succeeded, failed] = await Promise.all([
        listTasks({ channel_id: channel.id, status: 'SUCCESS', start_timestamp: since }, { page: 1, perPage: 100 }),
        listTasks({ channel_id: channel.id, status: 'FAILURE', start_timestamp: since }, { page: 1, perPage: 1 }),
      ]);
      const finished = succeeded.total + failed.total;
      const durations = succeeded.items
        .filter((task) => task.finish_time)
        .map((task) => task.finish_time - (task.start_time || task.submit_time));
      return {
        id: channel.id,
        name: channel.name,
        enabled: channel.enabled,
        succeeded: succeeded.total,
        failed: failed.total,
        successRate: finished ? succeeded.total / finished : null,
        medianSeconds: median(durations),
      };
    }),
  );
}
