import type { Params } from 'nestjs-pino';
import PinoPretty from 'pino-pretty';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/app.config';

/** Plain lines for a person at a terminal, JSON for machines (or when LOG_FORMAT says so). */
export function prettyLogs(config: Pick<AppConfig, 'LOG_FORMAT'>, isTTY = Boolean(process.stdout.isTTY)): boolean {
  return config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && isTTY);
}

interface RequestLine {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/** One event, one line: `Database: embedded PGlite in …`, `GET /api/mj/self 200 4 ms`. */
export function plainMessage(log: Record<string, unknown>, messageKey: string): string {
  const { req, res, responseTime } = log as RequestLine;
  if (req && res) return `${req.method} ${req.url} ${res.statusCode} ${Math.round(responseTime ?? 0)} ms`;
  const context = typeof log.context === 'string' ? `${log.context}: ` : '';
  return `${context}${String(log[messageKey] ?? '')}`;
}

/** A line per request at info and below. */
const requestLogging = (level: string) => ['info', 'debug', 'trace'].includes(level);

/** nestjs-pino's settings for the gateway: level, format, request ids, redaction. */
export function loggerParams(config: Pick<AppConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>): Params {
  const options = {
    level: config.LOG_LEVEL,
    // The server's request id (X-Request-Id or a UUID), so log lines and error answers name the same request.
    genReqId: (req: unknown) => (req as { id?: string }).id ?? randomUUID(),
    autoLogging: { ignore: (req: { url?: string }) => req.url === '/api/health' },
    redact: ['req.headers.authorization', 'req.headers["mj-api-secret"]', 'req.headers.cookie'],
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.replace(/([?&](sig|ticket)=)[^&]+/g, '$1***'),
      }),
    },
  };
  const pretty = prettyLogs(config)
    ? PinoPretty({
        colorize: Boolean(process.stdout.isTTY),
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,context,req,res,responseTime,reqId',
        messageFormat: plainMessage,
        // In order with the start banner, which is written straight to stdout.
        sync: true,
      })
    : undefined;
  return {
    // Per-request logging (a child logger and a context per request) only where a line per request is wanted:
    // at warn and above the middleware is not mounted at all, and errors are logged with their request id.
    forRoutes: requestLogging(config.LOG_LEVEL) ? undefined : [],
    pinoHttp: pretty ? [options, pretty] : options,
  };
}
