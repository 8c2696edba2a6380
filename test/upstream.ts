import { startSimulator, SimulatorHandle, SimulatorOptions } from '@app/mj-simulator';
import type { TestApp } from './app';

export interface TestChannel {
  id: number;
  sim: SimulatorHandle;
}

/** A simulator over real HTTP, registered as a channel through the admin API. */
export async function addSimulatorChannel(
  t: TestApp,
  options: SimulatorOptions & { name?: string; priority?: number; weight?: number; maxRunning?: number; maxQueued?: number } = {},
): Promise<TestChannel> {
  const { name, priority, weight, ...simOptions } = options;
  // The gateway's capacity for the channel: as given, else the simulator's own when it was given one, else none (0):
  // tests which never finish their tasks (polling off) are never queued by the gateway.
  const sized = simOptions.coreSize !== undefined || simOptions.queueSize !== undefined;
  const maxRunning = options.maxRunning ?? (sized ? (simOptions.coreSize ?? 3) : 0);
  const maxQueued = options.maxQueued ?? (sized ? (simOptions.queueSize ?? 10) : 0);
  delete (simOptions as { maxRunning?: number }).maxRunning;
  delete (simOptions as { maxQueued?: number }).maxQueued;
  const sim = await startSimulator({ port: 0, taskMs: 400, ...simOptions });
  const res = await t.http
    .post('/api/channels')
    .set('Authorization', `Bearer ${await t.adminToken()}`)
    .send({
      name: name ?? `sim ${sim.port}`,
      base_url: sim.url,
      secret: simOptions.secret,
      priority,
      weight,
      max_running: maxRunning,
      max_queued: maxQueued,
    });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.data.id, sim };
}

/** The upstream's id of a task the client knows by the gateway's id (tests look the task up in the simulator). */
export async function upstreamIdOf(t: TestApp, mjId: string): Promise<string> {
  const rows = await t.sql<{ upstream_id: string }>('SELECT upstream_id FROM tasks WHERE mj_id = ?', [mjId]);
  if (!rows.length) throw new Error(`no task ${mjId}`);
  return rows[0].upstream_id;
}

/** An sk-… key for the user whose dashboard token is given. */
export async function createApiKey(t: TestApp, userToken: string, body: Record<string, unknown> = { name: 'test' }): Promise<string> {
  const res = await t.http.post('/api/tokens').set('Authorization', `Bearer ${userToken}`).send(body);
  if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.key;
}

export async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
