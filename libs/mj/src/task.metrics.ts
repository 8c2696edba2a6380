import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry, Sql } from '@app/core';

/** `mj_tasks{status}`: tasks by status, from the counters the task triggers keep (a few rows, whatever the table's size). */
@Injectable()
export class TaskMetrics {
  constructor(metrics: MetricsRegistry, sql: Sql) {
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
