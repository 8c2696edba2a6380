import { ValidationError, ValidationPipe } from '@nestjs/common';
import { BadRequestError } from './domain-error';

function flatten(errors: ValidationError[], prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const first = Object.values(error.constraints ?? {})[0];
    if (first) out[field] = first;
    Object.assign(out, flatten(error.children ?? [], field));
  }
  return out;
}

/** The one validation pipe: unknown fields dropped, values converted, the first failure named in the message. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const message = Object.values(fields)[0] ?? 'Invalid request';
      return new BadRequestError(message, fields);
    },
  });
}
