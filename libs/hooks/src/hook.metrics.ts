import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { MetricsRegistry } from '@app/core';

/** What the senders report to /metrics. */
@Injectable()
export class HookMetrics {
  readonly attempts: Counter<'result'>;
  readonly lag: Histogram;

  constructor(metrics: MetricsRegistry) {
    const registers: Registry[] = [metrics.registry];
    this.attempts = new Counter({
      name: 'mj_hook_deliveries_total',
      help: 'Callback attempts by result: delivered, retried (will be tried again), failed (given up), stopped (410)',
      labelNames: ['result'],
      registers,
    });
    this.lag = new Histogram({
      name: 'mj_hook_delivery_lag_seconds',
      help: 'From the task change (the event written) to its delivery',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86400],
      registers,
    });
  }
}
