import type { LiveSettings } from './config';
import type { Lifecycle } from './lifecycle';
import type { MediaLibrary } from './media';
import type { Notifier } from './notify';
import type { Stats } from './stats';
import type { TaskStore } from './task-store';
import type { MediaUrls } from './urls';

/** Everything a route handler may use. */
export interface SimContext {
  store: TaskStore;
  lifecycle: Lifecycle;
  media: MediaLibrary;
  urls: MediaUrls;
  settings: LiveSettings;
  stats: Stats;
  notifier: Notifier;
}
