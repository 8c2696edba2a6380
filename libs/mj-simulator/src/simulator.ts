import type { AddressInfo } from 'node:net';
import type { Task } from '@app/mj-protocol';
import { resolveOptions, updateSettings, type LiveSettings, type SimulatorOptions } from './config';
import type { SimContext } from './context';
import { drawFloatTimes } from './faults';
import { createSimulatorServer } from './http-server';
import { Lifecycle } from './lifecycle';
import { MediaLibrary } from './media';
import { Notifier } from './notify';
import { Stats, simulatorStats, type SimulatorStats } from './stats';
import { TaskStore } from './task-store';
import { MediaUrls } from './urls';

export type { SimulatorOptions } from './config';
export type { RouteStats, SimulatorStats } from './stats';

export interface SimulatorHandle {
  /** e.g. `http://127.0.0.1:45678` */
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(spec: string): void;
  setModes(modes: string[]): void;
  setTaskMs(ms: number): void;
  /** Drops tasks from memory (all when `ids` is absent), as an OSS restart does. */
  forget(ids?: string[]): void;
  /** The task's image and video URLs answer 404 from now on. */
  deleteMedia(taskId: string): void;
  stats(): SimulatorStats;
  tasks: ReadonlyMap<string, Task>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts a midjourney-proxy simulator (OSS + PLUS routes) on its own HTTP server. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const config = resolveOptions(options);
  const settings: LiveSettings = {
    taskMs: config.taskMs,
    modes: config.modes,
    faults: config.faults,
    coreSize: config.coreSize,
    queueSize: config.queueSize,
    secret: config.secret,
  };
  const store = new TaskStore();
  const urls = new MediaUrls('');
  const notifier = new Notifier(() => drawFloatTimes(settings.faults));
  const lifecycle = new Lifecycle(store, settings, urls, notifier);
  const ctx: SimContext = { store, lifecycle, media: new MediaLibrary(), urls, settings, stats: new Stats(), notifier };
  const { server, close: closeServer } = createSimulatorServer(ctx);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(config.host)}:${port}`;
  urls.base = config.publicHost ? `http://${config.publicHost}` : url;

  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    tasks: store.tasks,
    close() {
      closed ??= new Promise<void>((resolve) => {
        lifecycle.close();
        notifier.close();
        closeServer();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
    setFaults: (spec) => updateSettings(settings, { faults: spec }),
    setModes: (modes) => updateSettings(settings, { modes }),
    setTaskMs: (ms) => updateSettings(settings, { taskMs: ms }),
    forget: (ids) => lifecycle.forget(ids),
    deleteMedia: (taskId) => ctx.media.delete(taskId),
    stats: () => simulatorStats(ctx),
  };
}
