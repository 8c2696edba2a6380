import { HttpError, type DataProvider, type Identifier, type RaRecord } from 'react-admin';
import { api, unwrap, type Schemas } from './api/client';
import { consoleKey } from './api/relay';
import { session } from './api/session';
import { rememberTask, taskIdentity, type Task } from './tasks/taskRecords';

type Filter = Record<string, unknown>;
type Page = { items: unknown[]; total: number };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
const int = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
  return Number.isInteger(n) ? n : undefined;
};
/** Date-time inputs hold local "YYYY-MM-DDTHH:mm" strings; the API wants Unix seconds. */
export const unixSeconds = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  const parsed = typeof value === 'string' && value ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? undefined : Math.floor(parsed / 1000);
};
const pageOf = (pagination?: { page: number; perPage: number }) => ({ p: pagination?.page ?? 1, page_size: pagination?.perPage ?? 20 });
const listResult = <T extends RaRecord>(page: Page) => ({ data: page.items as T[], total: page.total });
/** PATCH bodies carry only what changed; empty write-only fields (secret, password) mean "keep". */
function changes<T extends Record<string, unknown>>(data: T, previous: Partial<T> | undefined, writeOnly: string[] = []): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (writeOnly.includes(key) ? value === undefined || value === null || value === '' : previous && previous[key] === value) continue;
    out[key] = value;
  }
  return out as Partial<T>;
}
/** Admin-only resources: refused here for users, so a stray query (before canAccess redirects) never calls the API. */
const ADMIN_ONLY = new Set(['users', 'channels', 'banned-words']);
function requireRole(resource: string): void {
  if (ADMIN_ONLY.has(resource) && !session.isAdmin()) throw new HttpError('This needs the admin role', 403);
}
const PRICE_MODES = ['fast', 'relax', 'turbo'] as const;

/** Each action's price with its per-mode cells beside it (`fast`, `relax`, `turbo`: null where the action's price applies). */
async function priceRows() {
  const [{ items }, { items: cells }] = await Promise.all([unwrap(api.GET('/api/prices')), unwrap(api.GET('/api/prices/modes'))]);
  return items.map((price) => {
    const mode = (name: string) => cells.find((cell) => cell.action === price.action && cell.mode === name)?.quota ?? null;
    return { ...price, id: price.action, fast: mode('fast'), relax: mode('relax'), turbo: mode('turbo') };
  });
}

const notSupported = (resource: string, what: string) => Promise.reject(new HttpError(`${resource}: ${what} is not available`, 405));

function taskQuery(filter: Filter) {
  return {
    mj_id: text(filter.mj_id),
    start_timestamp: unixSeconds(filter.start_timestamp),
    end_timestamp: unixSeconds(filter.end_timestamp),
    status: text(filter.status) as Schemas['TaskDto']['status'] | undefined,
    action: text(filter.action) as never,
    channel_id: int(filter.channel_id),
    user_id: int(filter.user_id),
  };
}

/** Tasks: admins read `/api/mj/` (everyone's), users `/api/mj/self`. */
export async function listTasks(filter: Filter, pagination?: { page: number; perPage: number }) {
  const query = { ...pageOf(pagination), ...taskQuery(filter) };
  const page = session.isAdmin()
    ? await unwrap(api.GET('/api/mj', { params: { query } }))
    : await unwrap(api.GET('/api/mj/self', { params: { query: { ...query, channel_id: undefined, user_id: undefined } } }));
  page.items.forEach((task) => rememberTask(task));
  return page as { items: Task[]; total: number; page: number; page_size: number };
}

/**
 * The API has no task-by-row-id route: a task is found through the list filtered by its `mj_id` (carried in the
 * show URL as `?mj_id=`, or remembered from a list the console has shown), then matched on the row id.
 */
async function getTask(id: Identifier, meta?: { mj_id?: string }): Promise<Task> {
  const mjId = meta?.mj_id || taskIdentity(id);
  if (!mjId) throw new HttpError('Open this task from the task list', 404);
  const { items } = await listTasks({ mj_id: mjId }, { page: 1, perPage: 100 });
  const task = items.find((item) => String(item.id) === String(id));
  if (!task) throw new HttpError(`Task ${mjId} not found`, 404);
  return task;
}

async function getList(
  resource: string,
  filter: Filter,
  pagination?: { page: number; perPage: number },
): Promise<{ data: RaRecord[]; total: number }> {
  requireRole(resource);
  const page = pageOf(pagination);
  switch (resource) {
    case 'tasks':
      return listResult(await listTasks(filter, pagination));
    case 'users':
      return listResult(
        await unwrap(
          api.GET('/api/users', {
            params: {
              query: {
                ...page,
                username: text(filter.q ?? filter.username),
                role: text(filter.role) as never,
                status: text(filter.status) as never,
              },
            },
          }),
        ),
      );
    case 'channels':
      return listResult(await unwrap(api.GET('/api/channels', { params: { query: page } })));
    case 'banned-words':
      return listResult(
        await unwrap(
          api.GET('/api/banned-words', {
            params: { query: { ...page, q: text(filter.q), list: text(filter.list) as Schemas['BannedWordDto']['list'] | undefined } },
          }),
        ),
      );
    case 'tokens':
      return listResult(await unwrap(api.GET('/api/tokens', { params: { query: page } })));
    case 'ledger':
      return listResult(
        session.isAdmin()
          ? await unwrap(
              api.GET('/api/ledger', {
                params: {
                  query: { ...page, user_id: int(filter.user_id), task_id: int(filter.task_id), kind: text(filter.kind) as never },
                },
              }),
            )
          : await unwrap(api.GET('/api/ledger/self', { params: { query: page } })),
      );
    case 'hook-deliveries':
      return listResult(
        await unwrap(
          api.GET('/api/hooks/deliveries', {
            params: { query: { ...page, task_id: text(filter.task_id), status: text(filter.status) as never } },
          }),
        ),
      );
    case 'prices': {
      // A short fixed list: the API answers it whole; the console pages it itself.
      const rows = await priceRows();
      const start = (page.p - 1) * page.page_size;
      return { data: rows.slice(start, start + page.page_size), total: rows.length };
    }
    default:
      throw new HttpError(`Unknown resource ${resource}`, 404);
  }
}

async function getOne(resource: string, id: Identifier, meta?: Record<string, unknown>): Promise<RaRecord> {
  requireRole(resource);
  const path = { id: Number(id) };
  switch (resource) {
    case 'tasks':
      return getTask(id, meta as { mj_id?: string });
    case 'users':
      return unwrap(api.GET('/api/users/{id}', { params: { path } }));
    case 'channels':
      return unwrap(api.GET('/api/channels/{id}', { params: { path } }));
    case 'banned-words':
      return unwrap(api.GET('/api/banned-words/{id}', { params: { path } }));
    case 'prices': {
      const price = (await priceRows()).find((item) => item.action === id);
      if (!price) throw new HttpError(`No price for ${String(id)}`, 404);
      return price;
    }
    default:
      return notSupported(resource, 'getOne');
  }
}

export const dataProvider = {
  getList: (resource, { filter, pagination }) => getList(resource, filter ?? {}, pagination) as never,

  getOne: async (resource, { id, meta }) => ({ data: (await getOne(resource, id, meta)) as never }),

  // References (a task's user and channel): a page holds few distinct ids; missing ones (deleted) are left out.
  getMany: async (resource, { ids }) => {
    const found = await Promise.all(ids.map((id) => getOne(resource, id).catch(() => null)));
    return { data: found.filter((record): record is RaRecord => record !== null) as never[] };
  },

  getManyReference: (resource, { target, id, filter, pagination }) => getList(resource, { ...filter, [target]: id }, pagination) as never,

  create: async (resource, { data }) => {
    switch (resource) {
      case 'users':
        return { data: await unwrap(api.POST('/api/users', { body: data as Schemas['CreateUserDto'] })) } as never;
      case 'channels':
        return {
          data: await unwrap(api.POST('/api/channels', { body: changes(data, undefined, ['secret']) as Schemas['CreateChannelDto'] })),
        } as never;
      case 'banned-words':
        return { data: await unwrap(api.POST('/api/banned-words', { body: data as Schemas['CreateBannedWordDto'] })) } as never;
      case 'tokens':
        return {
          data: await unwrap(
            api.POST('/api/tokens', {
              body: changes(data, undefined, ['expires_at', 'quota_limit', 'hook_url', 'default_mode']) as Schemas['CreateApiKeyDto'],
            }),
          ),
        } as never;
      default:
        return notSupported(resource, 'create');
    }
  },

  update: async (resource, { id, data, previousData }) => {
    const path = { id: Number(id) };
    switch (resource) {
      case 'users': {
        const { role, status, password, default_mode, max_tasks } = data as Schemas['UpdateUserDto'];
        // A cleared cap field means "the default" (null), not "unchanged".
        const body = changes({ role, status, password, default_mode, max_tasks: max_tasks ?? null }, previousData, ['password']);
        return { data: await unwrap(api.PATCH('/api/users/{id}', { params: { path }, body })) } as never;
      }
      case 'channels': {
        const { name, base_url, type, secret, enabled, priority, weight, capabilities, max_running, max_queued } =
          data as Schemas['UpdateChannelDto'];
        const { breaker_failures, breaker_window_s, breaker_cooldown_s, min_gap_ms, gap_jitter_ms, daily_cap } =
          data as Schemas['UpdateChannelDto'];
        const body: Schemas['UpdateChannelDto'] = changes(
          {
            name,
            base_url,
            type,
            secret,
            enabled,
            priority,
            weight,
            breaker_failures,
            breaker_window_s,
            breaker_cooldown_s,
            min_gap_ms,
            gap_jitter_ms,
            daily_cap,
            max_running,
            max_queued,
          },
          previousData,
          ['secret'],
        );
        // Sent whole when changed: each list replaces the channel's.
        if (JSON.stringify(capabilities) !== JSON.stringify((previousData as Schemas['ChannelDto'] | undefined)?.capabilities)) {
          body.capabilities = capabilities;
        }
        return { data: await unwrap(api.PATCH('/api/channels/{id}', { params: { path }, body })) } as never;
      }
      case 'banned-words': {
        const { phrase, list, whole_word, note } = data as Schemas['UpdateBannedWordDto'];
        const body = changes({ phrase, list, whole_word, note }, previousData);
        return { data: await unwrap(api.PATCH('/api/banned-words/{id}', { params: { path }, body })) } as never;
      }
      case 'prices': {
        const action = String(id);
        if (Number(data.quota) !== previousData?.quota) {
          await unwrap(api.PUT('/api/prices/{action}', { params: { path: { action } }, body: { quota: Number(data.quota) } }));
        }
        // A mode left empty costs the action's price: its cell is removed.
        for (const mode of PRICE_MODES) {
          const value = data[mode] as number | null | undefined | '';
          const before = previousData?.[mode] as number | null | undefined;
          const path = { action, mode };
          if (value === null || value === undefined || value === '') {
            if (before !== null && before !== undefined) await unwrap(api.DELETE('/api/prices/{action}/{mode}', { params: { path } }));
          } else if (Number(value) !== before) {
            await unwrap(api.PUT('/api/prices/{action}/{mode}', { params: { path }, body: { quota: Number(value) } }));
          }
        }
        return { data: (await priceRows()).find((row) => row.action === action)! } as never;
      }
      default:
        return notSupported(resource, 'update');
    }
  },

  updateMany: (resource) => notSupported(resource, 'updateMany'),

  delete: async (resource, { id, previousData }) => {
    const path = { id: Number(id) };
    switch (resource) {
      case 'users':
        await unwrap(api.DELETE('/api/users/{id}', { params: { path } }));
        break;
      case 'channels':
        await unwrap(api.DELETE('/api/channels/{id}', { params: { path } }));
        break;
      case 'banned-words':
        await unwrap(api.DELETE('/api/banned-words/{id}', { params: { path } }));
        break;
      case 'tokens':
        await unwrap(api.DELETE('/api/tokens/{id}', { params: { path } }));
        consoleKey.forgetIfRevoked(Number(id));
        break;
      default:
        return notSupported(resource, 'delete');
    }
    return { data: (previousData ?? { id }) as never };
  },

  deleteMany: async (resource, { ids }) => {
    for (const id of ids) await dataProvider.delete(resource, { id });
    return { data: ids };
  },

  /** Adds to (or takes from) a user's balance through the ledger. */
  adjustQuota: (userId: Identifier, body: Schemas['AdjustQuotaDto']) =>
    unwrap(api.POST('/api/users/{id}/quota', { params: { path: { id: Number(userId) } }, body })),

  /** Revokes the durable media links of one task (its row id) or of every task of a user. */
  revokeTaskLinks: (taskId: Identifier) => unwrap(api.POST('/api/mj/{id}/revoke-links', { params: { path: { id: Number(taskId) } } })),
  revokeUserLinks: (userId: Identifier) => unwrap(api.POST('/api/users/{id}/revoke-links', { params: { path: { id: Number(userId) } } })),

  /** Sends a callback delivery again (same event id, fresh retry schedule). */
  redeliverHook: (deliveryId: Identifier) =>
    unwrap(api.POST('/api/hooks/deliveries/{id}/redeliver', { params: { path: { id: Number(deliveryId) } } })),

  /** Sets (or, with '', removes) a key's default callback URL. */
  setTokenHook: (keyId: Identifier, hookUrl: string) =>
    unwrap(api.PUT('/api/tokens/{id}/hook', { params: { path: { id: Number(keyId) } }, body: { hook_url: hookUrl } })),

  /** Sends a test event to a key's callback URL. */
  testTokenHook: (keyId: Identifier) =>
    unwrap(api.POST('/api/tokens/{id}/hook-test', { params: { path: { id: Number(keyId) } }, body: {} })),

  /** A new hook secret for the key, shown once. */
  rotateTokenHookSecret: (keyId: Identifier) =>
    unwrap(api.POST('/api/tokens/{id}/hook-secret', { params: { path: { id: Number(keyId) } } })),

  /** Probes a channel's upstream: reachability, secret, latency. */
  testChannel: (channelId: Identifier) => unwrap(api.POST('/api/channels/{id}/test', { params: { path: { id: Number(channelId) } } })),

  /** Would a submit with this prompt be refused for a banned word? */
  testPrompt: (prompt: string) => unwrap(api.POST('/api/banned-words/test', { body: { prompt } })),
} satisfies DataProvider & Record<string, unknown>;

export type ConsoleDataProvider = typeof dataProvider;
