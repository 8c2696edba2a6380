/**
 * The gateway's address as the caller reached it: PUBLIC_URL when set, else the request's own scheme and host
 * (X-Forwarded-* count only when TRUST_PROXY makes the server trust them). `req` is a Fastify request.
 */
export function publicBaseUrl(req: { protocol: string; host?: string }, configured?: string): string {
  if (configured) return configured.replace(/\/+$/, '');
  return `${req.protocol}://${req.host || 'localhost'}`;
}
