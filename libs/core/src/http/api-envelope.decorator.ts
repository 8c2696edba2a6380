import { applyDecorators, HttpStatus, Type } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { EmptyEnvelopeDto, ErrorEnvelopeDto } from './envelope.dto';

/** The route option (Fastify's route config) that keeps a route's answer out of the envelope. */
export const RAW_RESPONSE = 'rawResponse';

/**
 * The handler answers in its own protocol (the relay, metrics, streams), not in the `{success, message, data}`
 * envelope. On a controller class it marks every route of it.
 */
export function RawResponse(): ClassDecorator & MethodDecorator {
  const mark = RouteConfig({ [RAW_RESPONSE]: true });
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (key !== undefined && descriptor) return mark(target, key, descriptor);
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name);
      if (name !== 'constructor' && typeof method?.value === 'function') mark(prototype, name, method);
    }
  }) as ClassDecorator & MethodDecorator;
}

const errorDescriptions: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'A parameter or body field is invalid; the message names it',
  [HttpStatus.UNAUTHORIZED]: 'No token, or a token that is invalid, expired or belongs to a disabled user',
  [HttpStatus.FORBIDDEN]: 'Logged in, but not allowed',
  [HttpStatus.NOT_FOUND]: 'No such resource',
  [HttpStatus.CONFLICT]: 'Conflicts with the current state',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'The body is larger than allowed',
  [HttpStatus.TOO_MANY_REQUESTS]: 'Too many requests; try again later',
};

/** Documents error answers, all in the error envelope. */
export function ApiErrors(...statuses: HttpStatus[]) {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: errorDescriptions[status] ?? 'Error', type: ErrorEnvelopeDto })),
  );
}

/** Documents a successful answer as `{success: true, message: "", data: <model>}` (or no data when model is null). */
export function ApiEnvelope(model: Type<unknown> | null, options: { status?: HttpStatus; description?: string } = {}) {
  const status = options.status ?? HttpStatus.OK;
  if (model === null) {
    return ApiResponse({ status, description: options.description ?? 'Done', type: EmptyEnvelopeDto });
  }
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status,
      description: options.description ?? 'Success',
      schema: {
        type: 'object',
        required: ['success', 'message', 'data'],
        properties: {
          success: { type: 'boolean', example: true },
          message: { type: 'string', example: '' },
          data: { $ref: getSchemaPath(model) },
        },
      },
    }),
  );
}
