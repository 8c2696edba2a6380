import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { publicBaseUrl } from '@app/core';

/**
 * The scheme and host the caller reached us at (X-Forwarded-* only when TRUST_PROXY is set): the base of media links
 * when PUBLIC_URL is not configured, so a remote client never gets `localhost` links.
 */
export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  publicBaseUrl(context.switchToHttp().getRequest<FastifyRequest>()),
);
