import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One callback as a receiver got it. */
export interface ReceivedHook {
  eventId: string;
  attempt: number;
  signature: string;
  raw: string;
  body: Record<string, any>;
  headers: IncomingHttpHeaders;
  /** What the receiver answered. */
  answered: number;
}

/** A real local HTTP server that records every callback and answers what `respond` says (200 by default). */
export interface HookReceiver {
  url: string;
  port: number;
  received: ReceivedHook[];
  respond: (hook: Omit<ReceivedHook, 'answered'>) => number | Promise<number>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<HookReceiver> {
  const receiver: HookReceiver = {
    url: '',
    port: 0,
    received: [],
    respond: () => 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const hook = {
        eventId: String(req.headers['x-mj-event-id']),
        attempt: Number(req.headers['x-mj-delivery-attempt']),
        signature: String(req.headers['x-mj-signature']),
        raw,
        body: JSON.parse(raw || '{}'),
        headers: req.headers,
      };
      const answered = await receiver.respond(hook);
      receiver.received.push({ ...hook, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'not now');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  return receiver;
}

/** Verifies `X-MJ-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` as the README tells receivers to. */
export function signatureValid(secret: string, header: string, raw: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  return createHmac('sha256', secret).update(`${match[1]}.${raw}`).digest('hex') === match[2];
}
