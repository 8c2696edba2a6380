import type { SimContext } from './context';

export interface RouteStats {
  count: number;
  /** The last `mj-api-secret` header seen on this route, null when absent. */
  lastSecret: string | null;
  /** The speed prefix (`fast`, `relax`, `turbo`) of the last request, null when none. */
  lastSpeed: string | null;
}

export interface SimulatorStats {
  /** Every request, `/sim` media included. */
  total: number;
  /** By route pattern, e.g. `POST /mj/submit/imagine`, `GET /mj/task/{id}/fetch`; unknown paths under `GET (unmatched)`. */
  routes: Record<string, RouteStats>;
  notify: { sent: number; failed: number };
  tasks: number;
  running: number;
  waiting: number;
}

export class Stats {
  private total = 0;
  private readonly routes = new Map<string, RouteStats>();

  record(key: string, secret: string | null, speed: string | null): void {
    this.total++;
    const route = this.routes.get(key) ?? { count: 0, lastSecret: null, lastSpeed: null };
    route.count++;
    route.lastSecret = secret;
    route.lastSpeed = speed;
    this.routes.set(key, route);
  }

  snapshot(): Pick<SimulatorStats, 'total' | 'routes'> {
    const routes: Record<string, RouteStats> = {};
    for (const [key, route] of this.routes) routes[key] = { ...route };
    return { total: this.total, routes };
  }
}

export function simulatorStats(ctx: SimContext): SimulatorStats {
  return {
    ...ctx.stats.snapshot(),
    notify: { sent: ctx.notifier.sent, failed: ctx.notifier.failed },
    tasks: ctx.store.tasks.size,
    running: ctx.lifecycle.runningCount,
    waiting: ctx.lifecycle.waitingCount,
  };
}
