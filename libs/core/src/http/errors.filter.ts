import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appConfig } from '../config/app.config';
import { DomainError, TooManyRequestsError } from './domain-error';

export interface Failure {
  status: number;
  message: string;
  errors?: Record<string, string>;
  extra?: Record<string, unknown>;
}

const pathOf = (request: FastifyRequest) => request.url.split('?')[0];

/** Fastify's own refusals of a body, before any route ran (Nest hands them here as plain HttpExceptions). */
function requestFailure(status: number, message: string, bodyLimitMb: number): string | null {
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) return `Request body is too large (limit ${bodyLimitMb} MB)`;
  if (status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) return 'Unsupported body type: send Content-Type: application/json';
  if (status === HttpStatus.BAD_REQUEST && /is not valid JSON/.test(message)) return 'Malformed JSON body';
  return null;
}

function fromHttpException(exception: HttpException, request: FastifyRequest, bodyLimitMb: number): Failure {
  const status = exception.getStatus();
  const body = exception.getResponse();
  const refused = typeof body === 'string' ? requestFailure(status, body, bodyLimitMb) : null;
  if (refused) return { status, message: refused };
  if (
    status === HttpStatus.NOT_FOUND &&
    typeof body === 'object' &&
    /^Cannot [A-Z]+ /.test(String((body as { message?: unknown }).message))
  ) {
    return { status, message: `No route ${request.method} ${pathOf(request)}` };
  }
  if (typeof body === 'string') return { status, message: body };
  const { message, errors } = body as { message?: unknown; errors?: Record<string, string> };
  const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return { status, message: text, errors };
}

/** The one error envelope: `{success: false, message, errors?}` with the fitting status; never a stack trace. */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    let failure: Failure;
    if (exception instanceof DomainError) {
      failure = { status: exception.status, message: exception.message, errors: exception.errors, extra: exception.extra };
    } else if (exception instanceof HttpException) {
      failure = fromHttpException(exception, request, this.config.BODY_LIMIT_MB);
    } else {
      const id = request.id;
      this.logger.error({ err: exception, requestId: id }, `Unhandled error on ${request.method} ${pathOf(request)}`);
      failure = { status: HttpStatus.INTERNAL_SERVER_ERROR, message: `Internal server error (request ${String(id ?? '-')})` };
    }
    if (exception instanceof TooManyRequestsError) void reply.header('Retry-After', String(exception.retryAfterSeconds));
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.end();
      return;
    }
    void reply
      .status(failure.status)
      .send({ ...failure.extra, success: false, message: failure.message, ...(failure.errors ? { errors: failure.errors } : {}) });
  }
}
