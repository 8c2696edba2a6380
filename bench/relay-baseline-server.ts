import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool, PoolClient } from 'pg';
import { Agent, request } from 'undici';

/**
 * The yardstick for the relay's submit path: node:http, a pg Pool and undici doing the gateway's statements for
 * `POST /mj/submit/imagine` — the key lookup, the task insert and the hold in one transaction, the upstream call, the
 * outcome recorded and captured in a second — with no framework, validation beyond the prompt, logging or events.
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
const INSERT = `INSERT INTO tasks (user_id, api_key_id, channel_id, parent_id, action, prompt, prompt_en, state, submit_time,
  deadline_at, next_poll_at, updated_at) VALUES ($1, $2, $3, 0, 'IMAGINE', $4, $4, '', $5, $6, $5, $5) RETURNING id`;
const HOLD = `WITH price AS (SELECT coalesce((SELECT quota FROM prices WHERE action = 'IMAGINE'), $1::bigint) AS amount),
  debit AS (UPDATE users SET quota = quota - price.amount FROM price WHERE id = $2 AND quota >= price.amount RETURNING quota),
  spent AS (UPDATE api_keys SET quota_used = quota_used + price.amount FROM price
            WHERE id = $3 AND (quota_limit IS NULL OR quota_used + price.amount <= quota_limit) AND EXISTS (SELECT 1 FROM debit) RETURNING id),
  entry AS (INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
            SELECT $2, $4, 'hold', -price.amount, debit.quota, 'IMAGINE submitted' FROM debit, price RETURNING id)
  SELECT price.amount, (SELECT quota FROM debit) AS balance, EXISTS (SELECT 1 FROM spent) AS key_ok FROM price`;
const ACCEPT = `UPDATE tasks SET mj_id = $1, channel_id = $2, submit_code = $3, status = 'NOT_START', properties = $4::jsonb,
  quota = quota + $5, updated_at = $6 WHERE id = $7 RETURNING id, user_id, channel_id, mj_id, action, status, progress`;
const CAPTURE = `INSERT INTO ledger_entries (user_id, task_id, kind, amount, balance_after, reason)
  SELECT held.user_id, $1, 'capture', 0, users.quota, 'accepted by the upstream'
  FROM (SELECT user_id FROM ledger_entries WHERE task_id = $1 AND kind = 'hold' LIMIT 1) held JOIN users ON users.id = held.user_id
  FOR UPDATE OF users
  ON CONFLICT DO NOTHING`;

async function transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

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
  const held = await transaction(async (client) => {
    const [task] = (await client.query({ name: 'insert', text: INSERT, values: [owner.user_id, owner.id, channelId, body.prompt, now, now + 600_000] })).rows;
    const [hold] = (await client.query({ name: 'hold', text: HOLD, values: [IMAGINE_PRICE, owner.user_id, owner.id, task.id] })).rows;
    if (hold.balance === null || !hold.key_ok) throw new Error('quota');
    return { taskId: task.id as number, amount: Number(hold.amount) };
  });
  const upstream = await request(`${args.upstream}/mj/submit/imagine`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'mj-api-secret': args.secret ?? '' },
    body: JSON.stringify({ prompt: body.prompt, state: body.state }),
  });
  const answer = (await upstream.body.json()) as { code: number; result: string; properties?: unknown };
  await transaction(async (client) => {
    await client.query({ name: 'accept', text: ACCEPT, values: [String(answer.result), channelId, answer.code, JSON.stringify(answer.properties ?? {}), held.amount, Date.now(), held.taskId] });
    await client.query({ name: 'capture', text: CAPTURE, values: [held.taskId] });
  });
  send(res, 200, answer);
}

createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return send(res, 200, { ok: true });
  if (req.method !== 'POST' || req.url !== '/mj/submit/imagine') return send(res, 404, { code: 4, description: 'not found' });
  submit(req, res).catch((error: Error) => send(res, 500, { code: 9, description: error.message }));
}).listen(Number(args.port), '127.0.0.1');
