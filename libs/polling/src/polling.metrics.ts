import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { MetricsRegistry } from '@app/core';

/** What the poller reports to /metrics. */
@Injectable()
export class PollingMetrics {
  readonly passDuration: Histogram;
  readonly upstreamErrors: Counter<'channel'>;
  readonly refunds: Counter;
  readonly finished: Counter<'status'>;

  constructor(metrics: MetricsRegistry) {
    const registers: Registry[] = [metrics.registry];
    this.passDuration = new Histogram({
      name: 'mj_poll_pass_seconds',
      help: 'Duration of one polling pass',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'mj_poll_upstream_errors_total',
      help: 'Failed list-by-condition calls',
      labelNames: ['channel'],
      registers,
    });
    this.refunds = new Counter({ name: 'mj_refunds_total', help: 'Tasks refunded by the poller and callbacks', registers });
    this.finished = new Counter({
      name: 'mj_tasks_finished_total',
      help: 'Tasks that reached a final status',
      labelNames: ['status'],
      registers,
    });
  }
}
