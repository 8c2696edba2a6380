import { api, unwrap, type Schemas } from './client';
import { session } from './session';

/** A task as the relay's fetch answers it (midjourney-proxy shape: string id, epoch ms). */
export type RelayTask = Schemas['ProtocolTaskDto'];
export type TaskButton = Schemas['ButtonDto'];

/** What a submit answered when the upstream accepted it: the new task's id, and whether it waits for a modal. */
export interface Submitted {
  mjId: string;
  needsModal: boolean;
}

export class RelayError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

interface StoredKey {
  id: number;
  key: string;
}

/**
 * The relay authenticates with an API key, not the dashboard JWT: the console makes one named "console" for the
 * logged-in user on first use and keeps it in localStorage, per user; a 401 (revoked, expired) makes a new one.
 */
export const consoleKey = {
  storageKey: (userId: number) => `mj-console.relay-key.${userId}`,
  get(userId: number): StoredKey | null {
    try {
      return JSON.parse(localStorage.getItem(consoleKey.storageKey(userId)) ?? 'null') as StoredKey | null;
    } catch {
      return null;
    }
  },
  /** Called when the user revokes a key in the API keys page. */
  forgetIfRevoked(keyId: number): void {
    const user = session.get()?.user;
    if (user && consoleKey.get(user.id)?.id === keyId) localStorage.removeItem(consoleKey.storageKey(user.id));
  },
};

let creating: Promise<StoredKey> | null = null;

function createKey(userId: number): Promise<StoredKey> {
  creating ??= unwrap(api.POST('/api/tokens', { body: { name: 'console' } }))
    .then(({ id, key }) => {
      const stored = { id, key };
      localStorage.setItem(consoleKey.storageKey(userId), JSON.stringify(stored));
      return stored;
    })
    .finally(() => {
      creating = null;
    });
  return creating;
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

async function withKey<T>(send: (authorization: string) => Promise<Answer<T>>): Promise<T> {
  const user = session.get()?.user;
  if (!user) throw new RelayError('Not logged in', 401);
  let key = consoleKey.get(user.id) ?? (await createKey(user.id));
  let answer = await send(`Bearer ${key.key}`);
  if (answer.response.status === 401) {
    key = await createKey(user.id);
    answer = await send(`Bearer ${key.key}`);
  }
  if (answer.error !== undefined || answer.data === undefined) {
    const body = (answer.error ?? {}) as { message?: string; description?: string };
    throw new RelayError(body.message || body.description || `The relay answered ${answer.response.status}`, answer.response.status);
  }
  return answer.data;
}

const ACCEPTED = new Set([1, 21, 22]);

function accepted(result: Schemas['SubmitResultDto']): Submitted {
  if (!ACCEPTED.has(result.code) || typeof result.result !== 'string' || !result.result) {
    throw new RelayError(result.description || `Submit refused (code ${result.code})`, 200);
  }
  return { mjId: result.result, needsModal: result.code === 21 };
}

const headers = (authorization: string) => ({ headers: { Authorization: authorization } });

export const relay = {
  async imagine(prompt: string, base64Array: string[] = []): Promise<Submitted> {
    const body = base64Array.length ? { prompt, base64Array } : { prompt };
    return accepted(await withKey((auth) => api.POST('/mj/submit/imagine', { body, ...headers(auth) })));
  },
  async action(taskId: string, customId: string): Promise<Submitted> {
    return accepted(await withKey((auth) => api.POST('/mj/submit/action', { body: { taskId, customId }, ...headers(auth) })));
  },
  async modal(taskId: string, prompt: string): Promise<Submitted> {
    return accepted(await withKey((auth) => api.POST('/mj/submit/modal', { body: { taskId, prompt }, ...headers(auth) })));
  },
  fetch(mjId: string): Promise<RelayTask> {
    return withKey((auth) => api.GET('/mj/task/{id}/fetch', { params: { path: { id: mjId } }, ...headers(auth) }));
  },
};
