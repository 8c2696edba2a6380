import { HttpStatus } from '@nestjs/common';
import { DomainError } from '@app/core';

/** One answer for every request that may not see the media, known id or not: no existence oracle. */
export class MediaForbiddenError extends DomainError {
  constructor() {
    super(HttpStatus.FORBIDDEN, 'Not allowed: this media link is invalid or has expired; ask the task list for a fresh one');
  }
}

/** The upstream failed us (unreachable, too slow, too large, not media): 502, with what went wrong. */
export class UpstreamMediaError extends DomainError {
  constructor(
    message: string,
    /** Worth trying again later (a timeout), as opposed to a file that will never be acceptable. */
    readonly retryable: boolean,
  ) {
    super(HttpStatus.BAD_GATEWAY, message);
  }
}

/** The upstream answered 404/410: the file is gone there. */
export class UpstreamMediaGoneError extends DomainError {
  constructor() {
    super(HttpStatus.NOT_FOUND, 'The upstream no longer has this file');
  }
}

/** Thrown by the connector when a URL resolves to an address we refuse to reach. */
export class BlockedAddressError extends Error {
  readonly code = 'MEDIA_ADDRESS_BLOCKED';

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`refused to connect to ${host} (${address}): not a public address`);
    this.name = 'BlockedAddressError';
  }
}
