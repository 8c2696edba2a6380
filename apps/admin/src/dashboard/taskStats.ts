import { api, unwrap, type Schemas } from '../api/client';
import { listTasks } from '../dataProvider';
import { TASK_STATUSES, type TaskStatus } from '../tasks/taskRecords';

/**
 * Counts by status are list totals with `page_size=1` (exact and cheap: the API keeps per-user and per-channel
 * counts); the channel figures come from `/api/mj/figures`.
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
  state: Schemas['ChannelDto']['state'];
  stateReason: string;
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

/**
 * Channel figures: success rate from the server's figures (`/api/mj/figures`, one statement per figure, so every
 * screen agrees), beside each channel's name and breaker state; p50/p95 by action × mode and stuck tasks come along.
 */
export async function channelStats(hours = 24) {
  const [{ items }, figures] = await Promise.all([
    unwrap(api.GET('/api/channels', { params: { query: { p: 1, page_size: 100 } } })),
    unwrap(api.GET('/api/mj/figures', { params: { query: { hours } } })),
  ]);
  const channels: ChannelStats[] = items.map((channel) => {
    const row = figures.channels.find((c) => c.channel_id === channel.id);
    return {
      id: channel.id,
      name: channel.name,
      enabled: channel.enabled,
      state: channel.state,
      stateReason: channel.state_reason,
      succeeded: row?.succeeded ?? 0,
      failed: row?.failed ?? 0,
      successRate: row?.success_rate ?? null,
    };
  });
  return { channels, timings: figures.timings, stuck: figures.stuck };
}
