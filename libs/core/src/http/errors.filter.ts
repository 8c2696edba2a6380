import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';

export interface Failure {
  status: number;
  message: string;
  errors?: Record<string, string>;
  extra?: Record<string, unknown>;
}

function fromHttpException(exception: HttpException, request: Request): Failure {
  const status = exception.getStatus();
  const body = exception.getResponse();
  if (status === HttpStatus.NOT_FOUND && typeof body === 'object' && /^Cannot [A-Z]+ /.test(String((body as { message?: unknown }).message))) {
    return { status, message: `No route ${request.method} ${request.path}` };
  }
  if (exception instanceof ThrottlerException) {
    return { status, message: 'Too many requests; try again later' };
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

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    let failure: Failure;
    if (exception instanceof DomainError) {
      failure = { status: exception.status, message: exception.message, errors: exception.errors, extra: exception.extra };
    } else if (exception instanceof HttpException) {
      failure = fromHttpException(exception, request);
    } else {
      const id = (request as Request & { id?: unknown }).id;
      this.logger.error({ err: exception, requestId: id }, `Unhandled error on ${request.method} ${request.path}`);
      failure = { status: HttpStatus.INTERNAL_SERVER_ERROR, message: `Internal server error (request ${String(id ?? '-')})` };
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response
      .status(failure.status)
      .json({ ...failure.extra, success: false, message: failure.message, ...(failure.errors ? { errors: failure.errors } : {}) });
  }
}
