import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry, Sql } from '@app/core';
import { type ChannelLoad, TaskStore } from './task.store';

/**
 * `mj_tasks{status}`: tasks by status, from the counters the task triggers keep (a few rows, whatever the table's size).
 * `mj_queue_depth{channel}` and `mj_tasks_in_flight{channel}`: tasks waiting in the gateway's queue (channel "any": any
 * channel may take them) and tasks sent upstream and unfinished, per channel.
 */
@Injectable()
export class TaskMetrics {
  constructor(metrics: MetricsRegistry, sql: Sql, tasks: TaskStore) {
    let loads: Promise<ChannelLoad[]> | null = null;
    // One query serves both gauges of a scrape.
    const channelLoads = () => (loads ??= tasks.channelLoads().finally(() => setTimeout(() => (loads = null), 100)));
    new Gauge({
      name: 'mj_queue_depth',
      help: "Tasks waiting in the gateway's queue, per channel they wait for (any: whichever has room first)",
      labelNames: ['channel'],
      registers: [metrics.registry],
      async collect() {
        const rows = await channelLoads();
        this.reset();
        for (const row of rows) if (row.queued) this.set({ channel: row.channelId ? String(row.channelId) : 'any' }, row.queued);
      },
    });
    new Gauge({
      name: 'mj_tasks_in_flight',
      help: 'Tasks sent upstream and not finished, per channel (what counts against max_running + max_queued)',
      labelNames: ['channel'],
      registers: [metrics.registry],
      async collect() {
        const rows = await channelLoads();
        this.reset();
        for (const row of rows) if (row.inFlight && row.channelId) this.set({ channel: String(row.channelId) }, row.inFlight);
      },
    });
    new Gauge({
      name: 'mj_tasks',
      help: 'Tasks by status (from the counters the task triggers keep)',
      labelNames: ['status'],
      registers: [metrics.registry],
      async collect() {
        const rows = await sql.query<{ status: string; n: string }>(
          'SELECT status, sum(n) AS n FROM task_counts_by_channel GROUP BY status',
        );
        this.reset();
        for (const row of rows) this.set({ status: row.status }, Number(row.n));
      },
    });
  }
}
