import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadRequestError } from './domain-error';

function flatten(errors: ValidationError[], prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const constraints = error.constraints ?? {};
    const first = constraints.whitelistValidation ? `${field} is not a field of this request` : Object.values(constraints)[0];
    if (first) out[field] = first;
    Object.assign(out, flatten(error.children ?? [], field));
  }
  return out;
}

/** Distinct queries (or path parameters) remembered per DTO; past this the memory starts over. */
const REMEMBERED_VALUES = 1_000;

/**
 * Validating a query or path-parameter DTO is a pure function of the values sent, and the same few are sent over and
 * over (list pages polled with the same query string, an image's link opened again and again): a valid one's result is
 * remembered per DTO class and handed out as a fresh copy. Bodies and invalid values are validated every time.
 */
export class MemoValidationPipe extends ValidationPipe {
  private readonly valid = new Map<unknown, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      (metadata.type !== 'query' && metadata.type !== 'param') ||
      metadata.data !== undefined ||
      !metadata.metatype ||
      typeof value !== 'object' ||
      value === null
    ) {
      return super.transform(value, metadata);
    }
    let byValues = this.valid.get(metadata.metatype);
    if (!byValues) this.valid.set(metadata.metatype, (byValues = new Map()));
    const key = JSON.stringify(value);
    let result = byValues.get(key);
    if (!result) {
      result = (await super.transform(value, metadata)) as object;
      if (byValues.size >= REMEMBERED_VALUES) byValues.clear();
      byValues.set(key, result);
    }
    return Object.assign(Object.create(Object.getPrototypeOf(result) as object) as object, result);
  }
}

const OPTIONS = {
  whitelist: true,
  transform: true,
  stopAtFirstError: true,
  exceptionFactory: (errors: ValidationError[]) => {
    const fields = flatten(errors);
    const message = Object.values(fields)[0] ?? 'Invalid request';
    return new BadRequestError(message, fields);
  },
};

/**
 * The one validation pipe: values converted, the first failure named in the message. A body field the DTO does not
 * know is a 400 naming it (a misspelled setting must not be dropped and answered 200); unknown query parameters are
 * dropped (caches and clients add their own). Bodies typed `unknown` (the relay's protocol bodies) are not touched.
 */
class GatewayValidationPipe extends MemoValidationPipe {
  private readonly bodies = new ValidationPipe({ ...OPTIONS, forbidNonWhitelisted: true });

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return metadata.type === 'body' ? this.bodies.transform(value, metadata) : super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new GatewayValidationPipe(OPTIONS);
}
