import { HttpStatus } from '@nestjs/common';
import { ReturnCode, ValidationMessage } from '@app/mj-protocol';
import { DomainError } from '@app/core';

/**
 * A relay request the gateway refuses itself. The body carries both the envelope (`success`, `message`) and the
 * protocol's SubmitResultVO fields (`code`, `description`, `result`, `properties`), so either kind of client reads it.
 */
export class RelayRejection extends DomainError {
  constructor(status: HttpStatus, code: number, description: string, message = description, properties: Record<string, unknown> = {}) {
    super(status, message, undefined, { code, description, result: null, properties });
  }
}

/** Code 4: the request is malformed; the description is the protocol's. */
export const invalid = (description: string, message?: string) =>
  new RelayRejection(HttpStatus.BAD_REQUEST, ReturnCode.VALIDATION_ERROR, description, message ?? description);

export const parentMissing = (taskId: string) =>
  new RelayRejection(HttpStatus.NOT_FOUND, ReturnCode.NOT_FOUND, '关联任务不存在或已失效', `Task ${taskId} not found`);

export const parentNotReady = (taskId: string, status: string) =>
  new RelayRejection(
    HttpStatus.BAD_REQUEST,
    ReturnCode.VALIDATION_ERROR,
    ValidationMessage.PARENT_STATUS,
    `Task ${taskId} is ${status}; follow-ups need a finished (SUCCESS) task`,
  );
