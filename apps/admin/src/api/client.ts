import createClient, { type Middleware } from 'openapi-fetch';
import { HttpError } from 'react-admin';
import type { components, paths } from './schema';
import { session } from './session';

export type Schemas = components['schemas'];

/** The generated, typed client of the gateway's OpenAPI document (same origin as the console). */
export const api = createClient<paths>({ baseUrl: window.location.origin });

/** Dashboard calls carry the session's JWT; relay calls set their own `sk-…` Authorization. */
const bearer: Middleware = {
  onRequest({ request }) {
    const token = session.get()?.token;
    if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};
api.use(bearer);

interface Envelope<T> {
  success: boolean;
  message: string;
  /** Absent on answers that carry nothing (deletes). */
  data?: T;
}

interface Failure {
  message?: string;
  description?: string;
  errors?: Record<string, string>;
}

/** An error as react-admin wants it: `body.errors` lands on form fields, `message` in the notification. */
export function toHttpError(status: number, body: unknown): HttpError {
  const failure = (body && typeof body === 'object' ? body : {}) as Failure;
  const message = failure.message || failure.description || (typeof body === 'string' && body) || `Request failed (${status})`;
  return new HttpError(message, status, { message, errors: failure.errors });
}

/** Unwraps `{success, message, data}`; a failure becomes an HttpError. */
export async function unwrap<T>(call: Promise<{ data?: Envelope<T>; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !data) throw toHttpError(response.status, error);
  if (data.success === false) throw toHttpError(response.status, data);
  return data.data as T;
}
