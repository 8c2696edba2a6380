import { HttpStatus } from '@nestjs/common';

/** An error whose message is safe to show the caller, with the HTTP status it maps to. */
export class DomainError extends Error {
  constructor(
    readonly status: HttpStatus,
    message: string,
    readonly errors?: Record<string, string>,
    /** Fields added to the error body beside the envelope's (the relay adds the protocol's code and description). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super(HttpStatus.NOT_FOUND, message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(HttpStatus.CONFLICT, message);
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, errors?: Record<string, string>) {
    super(HttpStatus.BAD_REQUEST, message, errors);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(HttpStatus.FORBIDDEN, message);
  }
}

/** 429 with `Retry-After`: the caller went over a limit and may try again after that many seconds. */
export class TooManyRequestsError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(HttpStatus.TOO_MANY_REQUESTS, message);
  }
}
