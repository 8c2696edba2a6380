import type { IncomingHttpHeaders } from 'node:http';
import type { SimContext } from './context';

export interface SimRequest {
  method: string;
  /** Without the `/mj-fast` style prefix and the query string. */
  path: string;
  /** The `{…}` parts of the route pattern, in order. */
  params: string[];
  /** Parsed JSON for routes that take a body, else undefined. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** `fast` | `relax` | `turbo` from the path prefix, else null. */
  speed: string | null;
}

export interface SimResponse {
  status: number;
  /** Serialized compactly by the server (with the `floattimes` fault when drawn). */
  json?: unknown;
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST';
  /** e.g. `/mj/task/{id}/fetch`; also the key of the route's stats. */
  pattern: string;
  /** Parse a JSON request body (Spring `@RequestBody`: missing or malformed → HTTP 400). */
  jsonBody?: boolean;
  /** `/sim` admin routes: guarded by the secret like `/mj` routes. */
  admin?: boolean;
  handle(request: SimRequest, ctx: SimContext): SimResponse;
}

export const json = (value: unknown, status = 200): SimResponse => ({ status, json: value });

/** OSS answers a null controller result (unknown fetch id, cancel) with HTTP 200 and no body. */
export const empty = (status = 200): SimResponse => ({ status });

export const text = (status: number, body: string, contentType = 'text/plain; charset=utf-8'): SimResponse => ({
  status,
  body,
  contentType,
});

/** The request body as a plain object, for handlers; arrays and scalars become `{}` (Jackson would fail on them earlier). */
export function bodyOf<T>(request: SimRequest): Partial<T> {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Partial<T>) : {};
}
