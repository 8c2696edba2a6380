import fastifyStatic from '@fastify/static';
import { INestApplication, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Paths the console never answers: the API, the relay (also under /mj-fast, /mj-relax…), metrics. */
const SERVER_PATHS = /^\/(?:api|mj(?:-[a-z]+)?|metrics)(?:\/|$)/i;
/** A path with a file extension asks for a file: a missing one is a 404, not the app. */
const FILE_PATH = /\/[^/]*\.[a-z0-9]+$/i;
const served = new WeakSet<INestApplication>();

/** Where `npm run build:admin` writes the console, from the sources or from the compiled `dist/apps/api/src`. */
export function consoleRoot(): string | null {
  const candidates = [
    resolve(__dirname, '../../admin/dist'),
    resolve(__dirname, '../../../../apps/admin/dist'),
    resolve(process.cwd(), 'apps/admin/dist'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * Serves the built react-admin console at `/`: hashed assets with a year-long immutable cache, index.html
 * (never cached) for every other GET that is not the API's, so client-side routes survive a reload.
 * Call before `listen`. Without a build it logs and does nothing.
 */
export function serveConsole(app: INestApplication, root: string | null = consoleRoot()): boolean {
  if (served.has(app)) return true;
  const logger = new Logger('Console');
  if (!root || !existsSync(join(root, 'index.html'))) {
    logger.warn('The console is not built (npm run build:admin): only the API is served');
    return false;
  }
  served.add(app);
  const index = readFileSync(join(root, 'index.html'));
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  // Hashed file names change with their content: cache them for good. A missing asset is a 404.
  void fastify.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
    decorateReply: false,
  });
  // The other files at the root (icons, manifest) are sent from the catch-all below.
  void fastify.register(fastifyStatic, { root, serve: false, index: false, maxAge: '1h' });
  fastify.get('/*', (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0];
    if (SERVER_PATHS.test(path)) return reply.status(404).send({ success: false, message: `No route ${req.method} ${path}` });
    if (path === '/index.html' || !FILE_PATH.test(path)) {
      return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(index);
    }
    return reply.sendFile(path.slice(1));
  });
  logger.log(`Serving the console from ${root}`);
  return true;
}
