import type { Request } from 'express';

/**
 * The gateway's address as the caller reached it: PUBLIC_URL when set, else the request's own scheme and host
 * (X-Forwarded-* count only when TRUST_PROXY makes express trust them).
 */
export function publicBaseUrl(req: Pick<Request, 'protocol' | 'get'>, configured?: string): string {
  if (configured) return configured.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
