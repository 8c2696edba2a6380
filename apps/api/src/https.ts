import { INestApplication, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { type AppConfig, appConfig, type HttpConfig, httpConfig, type TlsFiles } from '@app/core';

/** How often the certificate files are looked at for a renewal (SIGHUP reloads at once). */
const TLS_POLL_MS = 2000;

/**
 * Content-Security-Policy of every answer but media (which sends its own, stricter one). Scripts only from the
 * gateway itself; inline styles because Swagger UI and the console's MUI write them; images and videos also from https
 * upstreams, for MJ_FORWARD_URL=false.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
  mediaSrc: ["'self'", 'blob:', 'https:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
};

function readTls(files: TlsFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

/**
 * Server options for the HTTP adapter: HTTPS with the configured certificate, and the timeouts that close slow or idle
 * connections (headers, whole request, idle socket, keep-alive). `connectionsCheckingInterval` is how often Node looks
 * for requests over their header or request timeout.
 */
export function serverOptions(config: HttpConfig): Record<string, unknown> {
  const timeouts = {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(250, Math.min(5000, Math.floor(config.headersTimeoutMs / 4))),
  };
  return {
    ...(config.tls ? { https: { ...readTls(config.tls), ...timeouts } } : { http: timeouts }),
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.idleTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
  };
}

/** New certificate files take effect for new connections, on SIGHUP or when they change on disk; a bad pair is logged and ignored. */
function reloadTlsOnChange(server: HttpsServer, files: TlsFiles, logger: Logger): () => void {
  const reload = (why: string) => {
    try {
      server.setSecureContext(readTls(files));
      logger.log(`TLS certificate reloaded (${why})`);
    } catch (error) {
      logger.error(`TLS certificate not reloaded (${why}), the previous one stays: ${(error as Error).message}`);
    }
  };
  const onChange = (current: { mtimeMs: number }, previous: { mtimeMs: number }) => {
    if (current.mtimeMs !== previous.mtimeMs) reload('file changed');
  };
  const onHangup = () => reload('SIGHUP');
  for (const file of [files.certFile, files.keyFile]) watchFile(file, { interval: TLS_POLL_MS, persistent: false }, onChange);
  process.on('SIGHUP', onHangup);
  return () => {
    for (const file of [files.certFile, files.keyFile]) unwatchFile(file, onChange);
    process.off('SIGHUP', onHangup);
  };
}

/** Plain HTTP on HTTP_REDIRECT_PORT: every request is sent to the same path over HTTPS (PUBLIC_URL's origin when set). */
function redirectServer(httpsPort: () => number, publicUrl: string | undefined): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    let target: URL;
    try {
      if (publicUrl?.startsWith('https:')) {
        target = new URL(req.url ?? '/', publicUrl);
      } else {
        target = new URL(req.url ?? '/', `https://${req.headers.host ?? 'localhost'}`);
        target.port = httpsPort() === 443 ? '' : String(httpsPort());
      }
    } catch {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ success: false, message: 'Bad Host header' }));
      return;
    }
    res.writeHead(308, { Location: target.toString(), 'Content-Type': 'text/plain' }).end(`Use HTTPS: ${target.toString()}\n`);
  });
}

/**
 * Transport security on top of the server: security headers on every answer (helmet), HSTS on answers that went out
 * over HTTPS (directly, or through a trusted proxy), certificate reloads, and the optional HTTP → HTTPS redirect.
 */
export function secureTransport(app: INestApplication): void {
  const config = app.get<HttpConfig>(httpConfig.KEY);
  const publicUrl = app.get<AppConfig>(appConfig.KEY).PUBLIC_URL;
  const logger = new Logger('Transport');
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  // Built once: @fastify/helmet builds helmet's middleware (parsing the CSP directives again) on every request.
  const securityHeaders = helmet({
    hsts: false,
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  if (config.hstsMaxAgeSeconds > 0) {
    const hsts = `max-age=${config.hstsMaxAgeSeconds}; includeSubDomains`;
    fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (request.protocol === 'https') reply.raw.setHeader('Strict-Transport-Security', hsts);
      done();
    });
  }
  const closers: (() => unknown)[] = [];
  if (config.tls) closers.push(reloadTlsOnChange(app.getHttpServer() as HttpsServer, config.tls, logger));
  if (config.redirectPort) {
    const port = config.redirectPort;
    const redirect = redirectServer(() => (app.getHttpServer().address() as { port: number }).port, publicUrl);
    redirect.headersTimeout = config.headersTimeoutMs;
    redirect.requestTimeout = config.requestTimeoutMs;
    fastify.addHook('onListen', (done: () => void) => {
      redirect.once('error', (error: Error) => {
        logger.error(`HTTP_REDIRECT_PORT ${port}: ${error.message}`);
        done();
      });
      redirect.listen(port, () => {
        logger.log(`Plain HTTP on port ${port} redirects to HTTPS`);
        done();
      });
    });
    closers.push(() => new Promise((resolve) => redirect.close(resolve)));
  }
  fastify.addHook('onClose', async () => {
    await Promise.all(closers.map((close) => close()));
  });
}
