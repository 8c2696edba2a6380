import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { escapeLiteral, Pool, QueryResult } from 'pg';
import { Agent, request } from 'undici';

/**
 * The yardstick for the relay's submit path: node:http, a pg Pool and undici doing the gateway's statements for
 * `POST /mj/submit/imagine` — the key lookup, the task insert and its hold in one round trip, the upstream call, the
 * outcome recorded with its capture (one statement) — with no framework, validation beyond the prompt, logging or events.
 * `node relay-baseline-server.js --port P --database-url U --upstream URL --secret S --channel-id N --pool N`
 */
const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'database-url': { type: 'string' },
    upstream: { type: 'string' },
    secret: { type: 'string', default: '' },
    'channel-id': { type: 'string', default: '1' },
    pool: { type: 'string', default: '10' },
  },
});
const pool = new Pool({ connectionString: args['database-url'], max: Number(args.pool) });
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
const channelId = Number(args['channel-id']);
const IMAGINE_PRICE = 50_000;

const KEY = `SELECT k.id, k.user_id, u.status, k.expires_at FROM api_keys k JOIN users u ON u.id = k.user_id
  WHERE k.key_hash = $1 AND k.deleted_at IS NULL AND u.deleted_at IS NULL`;
/** The task, its first poll and its hold in one round trip: one simple query (one implicit transaction), as the gateway's. */
const create = (userId: number, keyId: number, prompt: string, now: number) => `
  INSERT INTO tasks (user_id, api_key_id, channel_id, parent_id, action, prompt, prompt_en, state, submit_time, deadline_at,
    updated_at) VALUES (${userId}, ${keyId}, ${channelId}, 0, 'IMAGINE', ${escapeLiteral(prompt)}, ${escapeLiteral(prompt)}, '',
    ${now}, ${now + 600_000}, ${now}) RETURNING id;
  UPDATE task_polls SET next_poll_at = ${now} WHERE task_id = currval(pg_get_serial_sequence('tasks', 'id'))::int;
  SELECT quota_hold(${userId}, ${keyId}, currval(pg_get_serial_sequence('tasks', 'id'))::int, 'IMAGINE', ${IMAGINE_PRICE}, 'IMAGINE submitted') AS held`;
const ACCEPT = `WITH accepted AS (
    UPDATE tasks SET mj_id = $1, channel_id = $2, submit_code = $3, status = 'NOT_START', properties = $4::jsonb,
      quota = quota + $5, updated_at = $6 WHERE id = $7 AND status = 'NOT_START'
    RETURNING id, user_id, channel_id, mj_id, action, status, progress)
  SELECT accepted.*, quota_capture(accepted.id) FROM accepted`;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

async function submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const key = String(req.headers['mj-api-secret'] ?? '');
  const body = await readJson(req);
  if (typeof body.prompt !== 'string' || !body.prompt) return send(res, 400, { code: 4, description: 'prompt is required' });
  const [owner] = (await pool.query({ name: 'key', text: KEY, values: [createHash('sha256').update(key).digest('hex')] })).rows;
  if (!owner || owner.status !== 'enabled') return send(res, 401, { code: 4, description: 'unknown key' });
  const now = Date.now();
  const [inserted, , hold] = (await pool.query(create(owner.user_id, owner.id, body.prompt, now))) as unknown as QueryResult[];
  const task = { id: inserted.rows[0].id as number, held: hold.rows[0].held as string };
  const upstream = await request(`${args.upstream}/mj/submit/imagine`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'mj-api-secret': args.secret ?? '' },
    body: JSON.stringify({ prompt: body.prompt, state: body.state }),
  });
  const answer = (await upstream.body.json()) as { code: number; result: string; properties?: unknown };
  await pool.query({
    name: 'accept',
    text: ACCEPT,
    values: [
      String(answer.result),
      channelId,
      answer.code,
      JSON.stringify(answer.properties ?? {}),
      Number(task.held),
      Date.now(),
      task.id,
    ],
  });
  send(res, 200, answer);
}

createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return send(res, 200, { ok: true });
  if (req.method !== 'POST' || req.url !== '/mj/submit/imagine') return send(res, 404, { code: 4, description: 'not found' });
  submit(req, res).catch((error: Error) => send(res, 500, { code: 9, description: error.message }));
}).listen(Number(args.port), '127.0.0.1');
