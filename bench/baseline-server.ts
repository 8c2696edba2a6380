import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { listTasks, send } from './baseline-lists';

/**
 * The yardstick for the task lists: node:http and a pg Pool running the gateway's SQL and answering the same
 * items, with no framework, auth, validation, logging or link signing. `node baseline-server.js --port P --database-url U --pool N`
 */
const { values: args } = parseArgs({
  options: { port: { type: 'string' }, 'database-url': { type: 'string' }, pool: { type: 'string', default: '10' } },
});
const pool = new Pool({ connectionString: args['database-url'], max: Number(args.pool) });
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://baseline');
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/health') return send(res, 200, { success: true, message: '' });
  if (path !== '/api/mj/self' && path !== '/api/mj') return send(res, 404, { success: false, message: 'Not found' });
  listTasks(pool, url, path === '/api/mj').then(
    (body) => send(res, 200, body),
    (error: unknown) => send(res, 500, { success: false, message: String(error) }),
  );
});

server.listen(Number(args.port), '127.0.0.1');
const close = () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
