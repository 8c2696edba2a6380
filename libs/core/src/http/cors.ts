import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';

/** Where browsers may call the gateway directly: the dashboard API, the relay (and its speed prefixes), the media. */
const CORS_PATHS = /^\/(api|mj|mj-fast|mj-relax|mj-turbo)(\/|\?|$)/i;

/** What a midjourney-proxy web client and the dashboard send: the relay key, a bearer token, JSON. */
const ALLOWED_HEADERS = ['mj-api-secret', 'Authorization', 'Content-Type', 'Range', 'If-None-Match'];

/**
 * `@fastify/cors` options per request: the allowed origins on the gateway's own paths, nothing elsewhere (the console
 * is same-origin). `*` allows any origin; no credentials are needed, the key and token travel in headers.
 */
export function corsOptionsFor(origins: '*' | string[]) {
  const allowed: FastifyCorsOptions = {
    origin: origins === '*' ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: ['Content-Length', 'Content-Range', 'ETag', 'X-Request-Id'],
    maxAge: 600,
    strictPreflight: false,
  };
  const refused: FastifyCorsOptions = { origin: false };
  return (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void): void =>
    callback(null, CORS_PATHS.test(request.url) ? allowed : refused);
}
