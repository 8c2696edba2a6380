import { Controller, Get, Header, Injectable } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { RawResponse } from '../http/api-envelope.decorator';

/** The process's Prometheus registry; feature libraries add their metrics to it. */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor(em: EntityManager) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'mj_tasks',
      help: 'Tasks by status (from the counters the task triggers keep)',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const rows = await em.fork().getConnection().execute<{ status: string; n: string }[]>(
          'SELECT status, sum(n) AS n FROM task_counts_by_channel GROUP BY status',
        );
        this.reset();
        for (const row of rows) this.set({ status: row.status }, Number(row.n));
      },
    });
  }
}

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @RawResponse()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  getMetrics(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
