import { applyDecorators, createParamDecorator, ExecutionContext, HttpStatus, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { ApiErrors } from './api-envelope.decorator';

export type Role = 'user' | 'admin';

export const AUTHENTICATED = 'authenticated';

export interface AuthenticatedOptions {
  /** Only admins may call the route (others get 403). */
  admin?: boolean;
  /** The relay: an `sk-…` API key (Bearer or `mj-api-secret`) instead of a dashboard JWT. */
  apiKey?: boolean;
}

/** The caller, as the guard found them on this request. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  /** Set when the caller authenticated with an API key. */
  apiKeyId?: number;
  /** The speed mode of the caller's tasks when the route names none: the key's, else the user's (API keys only). */
  defaultMode?: 'fast' | 'relax' | 'turbo';
}

/** The route needs a logged-in user (a dashboard JWT, or an API key for the relay); sets the guard's metadata and the Swagger security together. */
export function Authenticated(options: AuthenticatedOptions = {}) {
  const statuses = options.admin ? [HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN] : [HttpStatus.UNAUTHORIZED];
  const security = options.apiKey ? [ApiBearerAuth(), ApiSecurity('mj-api-secret')] : [ApiBearerAuth()];
  return applyDecorators(SetMetadata(AUTHENTICATED, options), ...security, ApiErrors(...statuses));
}

/** The credential of `Authorization: Bearer <credential>` (a dashboard JWT or an `sk-…` API key), if there is one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() || undefined;
}

/** Hands the handler the authenticated caller. */
export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
