import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimContext } from './context';
import { drawFloatTimes, drawResponseFault, garbageBody, springError } from './faults';
import type { Route, SimResponse } from './http';
import { toJson } from './json';
import { actionRoutes } from './routes/action';
import { simRoutes } from './routes/sim';
import { submitRoutes } from './routes/submit';
import { taskRoutes } from './routes/task';

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const SPEED_PREFIX = /^\/mj-(fast|relax|turbo)(?=\/mj(\/|$))/;

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  key: string;
}

const ROUTES: CompiledRoute[] = [...submitRoutes, ...actionRoutes, ...taskRoutes, ...simRoutes].map((route) => ({
  route,
  regex: new RegExp(`^${route.pattern.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
  key: `${route.method} ${route.pattern}`,
}));

function match(method: string, path: string): { compiled: CompiledRoute; params: string[] } | null {
  for (const compiled of ROUTES) {
    if (compiled.route.method !== method) continue;
    const found = compiled.regex.exec(path);
    if (found) return { compiled, params: found.slice(1).map(decodeURIComponent) };
  }
  return null;
}

function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, answer: SimResponse, floatTimes: boolean): void {
  const headers: Record<string, string | number> = { ...answer.headers };
  let body: string | Buffer | undefined = answer.body;
  if (answer.json !== undefined) {
    body = toJson(answer.json, floatTimes);
    headers['content-type'] = 'application/json';
  } else if (answer.contentType) {
    headers['content-type'] = answer.contentType;
  }
  headers['content-length'] = body === undefined ? 0 : Buffer.byteLength(body);
  response.writeHead(answer.status, headers);
  response.end(body);
}

const springAnswer = (status: number, error: string, path: string): SimResponse => ({
  status,
  body: springError(status, error, path),
  contentType: 'application/json',
});

function delay(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}

/** The simulator's HTTP surface: `/mj/**` (with optional speed prefix) as midjourney-proxy, `/sim/**` for media and tests. */
export function createSimulatorServer(ctx: SimContext): { server: Server; close(): void } {
  const timers = new Set<NodeJS.Timeout>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://sim');
    const speed = SPEED_PREFIX.exec(url.pathname)?.[1] ?? null;
    const path = url.pathname.replace(SPEED_PREFIX, '');
    const isMj = path === '/mj' || path.startsWith('/mj/');
    const secretHeader = request.headers['mj-api-secret'];
    const secret = typeof secretHeader === 'string' ? secretHeader : null;
    const found = match(method, path);
    ctx.stats.record(found?.compiled.key ?? `${method} (unmatched)`, secret, speed);
    const raw = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(request);

    if (isMj) await delay(ctx.settings.faults.delay, timers);
    const guarded = isMj || found?.compiled.route.admin;
    if (guarded && ctx.settings.secret !== null && secret !== ctx.settings.secret) return send(response, { status: 401 }, false);
    if (isMj) {
      const fault = drawResponseFault(ctx.settings.faults);
      if (fault === 'http500') return send(response, springAnswer(500, 'Internal Server Error', path), false);
      if (fault === 'garbage') return send(response, { status: 200, body: garbageBody(), contentType: 'text/html' }, false);
      if (fault === 'empty') return send(response, { status: 200 }, false);
    }
    if (!found) return send(response, isMj ? springAnswer(404, 'Not Found', path) : { status: 404, body: 'Not Found' }, false);
    if (raw === null) return send(response, springAnswer(413, 'Payload Too Large', path), false);

    const { route } = found.compiled;
    let body: unknown;
    if (route.jsonBody) {
      const text = raw.toString('utf8');
      try {
        body = text.trim() === '' && route.admin ? {} : JSON.parse(text);
      } catch {
        return send(response, springAnswer(400, 'Bad Request', path), false);
      }
    }
    const answer = route.handle({ method, path, params: found.params, body, headers: request.headers, speed }, ctx);
    send(response, answer, isMj && drawFloatTimes(ctx.settings.faults));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, springAnswer(500, 'Internal Server Error', request.url ?? ''), false);
      else response.destroy(error instanceof Error ? error : undefined);
    });
  });
  return {
    server,
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
