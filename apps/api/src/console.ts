import { INestApplication, Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
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
 * Call before `listen` (it must run before Nest's not-found handler). Without a build it logs and does nothing.
 */
export function serveConsole(app: INestApplication, root: string | null = consoleRoot()): boolean {
  if (served.has(app)) return true;
  const logger = new Logger('Console');
  if (!root || !existsSync(join(root, 'index.html'))) {
    logger.warn('The console is not built (npm run build:admin): only the API is served');
    return false;
  }
  served.add(app);
  const index = join(root, 'index.html');
  const server = app as NestExpressApplication;
  // Hashed file names change with their content: cache them for good. A missing asset falls through to a 404.
  server.use('/assets', express.static(join(root, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  const files = express.static(root, { index: false, maxAge: '1h' });
  server.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path)) return next();
    const sendConsole = () => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    };
    if (req.path === '/index.html' || !FILE_PATH.test(req.path)) return sendConsole();
    files(req, res, next);
  });
  logger.log(`Serving the console from ${root}`);
  return true;
}
