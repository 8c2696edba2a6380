import { createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { appConfig } from '../config/app.config';

/**
 * The scheme and host the caller reached us at (X-Forwarded-* only when TRUST_PROXY makes the server trust them):
 * the base of the URLs we hand out when PUBLIC_URL is not configured, so a remote client never gets `localhost` links.
 */
export function requestOrigin(req: { protocol: string; host?: string }): string {
  return `${req.protocol}://${req.host || 'localhost'}`;
}

/** The handler's `requestOrigin`. */
export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  requestOrigin(context.switchToHttp().getRequest<FastifyRequest>()),
);

/** Where every URL the gateway hands out points (media links, notify hooks): PUBLIC_URL, else the caller's origin. */
@Injectable()
export class PublicUrl {
  private readonly configured?: string;

  constructor(@Inject(appConfig.KEY) app: ConfigType<typeof appConfig>) {
    this.configured = app.PUBLIC_URL?.replace(/\/+$/, '');
  }

  base(requestOrigin: string): string {
    return this.configured ?? requestOrigin;
  }
}
