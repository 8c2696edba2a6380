import { applyDecorators, createParamDecorator, ExecutionContext, HttpStatus, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '@app/core';
import type { Role } from './users/user.entity';

export const AUTHENTICATED = 'authenticated';

export interface AuthenticatedOptions {
  /** Only admins may call the route (others get 403). */
  admin?: boolean;
}

/** The caller, as the guard found them on this request. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}

/** The route needs a logged-in user (a dashboard JWT); sets the guard's metadata and the Swagger security together. */
export function Authenticated(options: AuthenticatedOptions = {}) {
  const statuses = options.admin ? [HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN] : [HttpStatus.UNAUTHORIZED];
  return applyDecorators(SetMetadata(AUTHENTICATED, options), ApiBearerAuth(), ApiErrors(...statuses));
}

/** Hands the handler the authenticated caller. */
export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
