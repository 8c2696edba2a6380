import { Migration20261125090000_foundation } from './Migration20261125090000_foundation';
import { Migration20261125100000_upstream } from './Migration20261125100000_upstream';
import { Migration20261125110000_polling } from './Migration20261125110000_polling';
import { Migration20261125120000_proxy } from './Migration20261125120000_proxy';
import { Migration20261125130000_list_filters } from './Migration20261125130000_list_filters';
import { Migration20261125150000_action_counts } from './Migration20261125150000_action_counts';
import { Migration20261125160000_day_counts } from './Migration20261125160000_day_counts';
import { Migration20261126090000_hardening } from './Migration20261126090000_hardening';
import { Migration20261130090000_one_vocabulary } from './Migration20261130090000_one_vocabulary';
import { Migration20261130100000_quota_functions } from './Migration20261130100000_quota_functions';
import { Migration20261130110000_gateway_queue } from './Migration20261130110000_gateway_queue';
import { Migration20261130120000_hooks } from './Migration20261130120000_hooks';
import { Migration20261130130000_banned_words } from './Migration20261130130000_banned_words';
import { Migration20261130140000_link_epochs } from './Migration20261130140000_link_epochs';
import { Migration20261130150000_channel_health } from './Migration20261130150000_channel_health';
import { Migration20261130160000_task_polls } from './Migration20261130160000_task_polls';
import { Migration20261130170000_queue_alert } from './Migration20261130170000_queue_alert';
import { Migration20261130180000_counter_deltas } from './Migration20261130180000_counter_deltas';
import { Migration20261130190000_poll_buckets } from './Migration20261130190000_poll_buckets';
import { Migration20261130200000_day_id_bounds } from './Migration20261130200000_day_id_bounds';

/** Every migration, in order. Listed explicitly so the same list works from TypeScript and from dist/. */
export const migrationsList = [
  { name: 'Migration20261125090000_foundation', class: Migration20261125090000_foundation },
  { name: 'Migration20261125100000_upstream', class: Migration20261125100000_upstream },
  { name: 'Migration20261125110000_polling', class: Migration20261125110000_polling },
  { name: 'Migration20261125120000_proxy', class: Migration20261125120000_proxy },
  { name: 'Migration20261125130000_list_filters', class: Migration20261125130000_list_filters },
  { name: 'Migration20261125150000_action_counts', class: Migration20261125150000_action_counts },
  { name: 'Migration20261125160000_day_counts', class: Migration20261125160000_day_counts },
  { name: 'Migration20261126090000_hardening', class: Migration20261126090000_hardening },
  { name: 'Migration20261130090000_one_vocabulary', class: Migration20261130090000_one_vocabulary },
  { name: 'Migration20261130100000_quota_functions', class: Migration20261130100000_quota_functions },
  { name: 'Migration20261130110000_gateway_queue', class: Migration20261130110000_gateway_queue },
  { name: 'Migration20261130120000_hooks', class: Migration20261130120000_hooks },
  { name: 'Migration20261130130000_banned_words', class: Migration20261130130000_banned_words },
  { name: 'Migration20261130140000_link_epochs', class: Migration20261130140000_link_epochs },
  { name: 'Migration20261130150000_channel_health', class: Migration20261130150000_channel_health },
  { name: 'Migration20261130160000_task_polls', class: Migration20261130160000_task_polls },
  { name: 'Migration20261130170000_queue_alert', class: Migration20261130170000_queue_alert },
  { name: 'Migration20261130180000_counter_deltas', class: Migration20261130180000_counter_deltas },
  { name: 'Migration20261130190000_poll_buckets', class: Migration20261130190000_poll_buckets },
  { name: 'Migration20261130200000_day_id_bounds', class: Migration20261130200000_day_id_bounds },
];
