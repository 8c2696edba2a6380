import { HttpStatus } from '@nestjs/common';
import { DomainError } from '@app/core';

export class InsufficientQuotaError extends DomainError {
  constructor(
    readonly needed: number,
    readonly balance: number,
  ) {
    super(HttpStatus.PAYMENT_REQUIRED, `Insufficient quota: this costs ${needed}, the balance is ${balance}`);
  }
}

export class ApiKeyQuotaExceededError extends DomainError {
  constructor(readonly needed: number) {
    super(HttpStatus.PAYMENT_REQUIRED, `This API key's quota limit does not allow another ${needed}`);
  }
}
