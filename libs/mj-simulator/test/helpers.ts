import type { SubmitResultVO, Task } from '@app/mj-protocol';
import { request } from 'undici';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../src';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: Buffer;
  /** Parsed body, undefined when empty or not JSON. */
  json: unknown;
}

export async function call(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const payload = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const response = await request(url, {
    method: (init.method ?? (payload === undefined ? 'GET' : 'POST')) as 'GET' | 'POST',
    body: payload,
    headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, bytes, json };
}

/** A simulator on a random port with short tasks, and typed shortcuts to its routes. */
export class Sim {
  private constructor(
    readonly handle: SimulatorHandle,
    private readonly secret?: string,
  ) {}

  static async start(options: SimulatorOptions = {}): Promise<Sim> {
    return new Sim(await startSimulator({ port: 0, taskMs: 400, ...options }), options.secret);
  }

  get url(): string {
    return this.handle.url;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers = this.secret ? { 'mj-api-secret': this.secret, ...init.headers } : init.headers;
    return call(this.url + path, { ...init, headers });
  }

  async submit(route: string, body: unknown): Promise<SubmitResultVO> {
    const answer = await this.call(`/mj/submit/${route}`, { body });
    expect(answer.status).toBe(200);
    return answer.json as SubmitResultVO;
  }

  async imagine(prompt: string, extra: Record<string, unknown> = {}): Promise<string> {
    const vo = await this.submit('imagine', { prompt, ...extra });
    expect([1, 22]).toContain(vo.code);
    return vo.result as string;
  }

  async fetch(id: string): Promise<Task | undefined> {
    const answer = await this.call(`/mj/task/${id}/fetch`);
    expect(answer.status).toBe(200);
    return answer.json as Task | undefined;
  }

  /** Polls fetch until `done` holds, recording every distinct state seen. */
  async until(id: string, done: (task: Task) => boolean, timeoutMs = 10_000): Promise<{ task: Task; seen: Task[] }> {
    const seen: Task[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await this.fetch(id);
      if (task && (seen.length === 0 || JSON.stringify(seen[seen.length - 1]) !== JSON.stringify(task))) seen.push(task);
      if (task && done(task)) return { task, seen };
      if (Date.now() > deadline) throw new Error(`task ${id} not done in ${timeoutMs} ms; last: ${JSON.stringify(task)}`);
      await sleep(15);
    }
  }

  finished(id: string, timeoutMs?: number): Promise<{ task: Task; seen: Task[] }> {
    return this.until(id, (task) => ['SUCCESS', 'FAILURE', 'CANCEL'].includes(task.status), timeoutMs);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A tiny valid data URL. */
export const DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
