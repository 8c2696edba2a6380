import { ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AUTHENTICATED, AuthenticatedOptions, AuthUser } from '@app/core';

function describeFailure(info: unknown): string {
  const name = (info as { name?: string } | undefined)?.name;
  if (name === 'TokenExpiredError') return 'The token has expired; log in again';
  if (name === 'JsonWebTokenError' || name === 'NotBeforeError') return 'The token is invalid';
  if (info instanceof Error && /no auth token/i.test(info.message)) return 'Log in first: send Authorization: Bearer <token>';
  return 'Log in first: send Authorization: Bearer <token>';
}

/** midjourney-proxy clients send the key as `mj-api-secret`; others as a bearer token. */
function apiKeyOf(headers: Record<string, string | undefined>): string {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  const key = bearer && bearer !== 'midjourney-proxy' ? bearer : headers['mj-api-secret']?.trim();
  if (!key) throw new UnauthorizedException('Send your API key as Authorization: Bearer sk-… or mj-api-secret: sk-…');
  return key;
}

/**
 * The one guard, global: routes marked @Authenticated need a valid dashboard JWT, or an API key where
 * they say `apiKey` (401 otherwise),
 * and @Authenticated({ admin: true }) routes an admin (403 otherwise). Unmarked routes are public.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.getAllAndOverride<AuthenticatedOptions | undefined>(AUTHENTICATED, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!options) return true;
    const request = context.switchToHttp().getRequest<{ user: AuthUser; headers: Record<string, string | undefined> }>();
    if (options.apiKey) {
      request.user = await this.apiKeys.authenticate(apiKeyOf(request.headers));
    } else {
      await super.canActivate(context);
    }
    const user = request.user;
    if (options.admin && user.role !== 'admin') throw new ForbiddenException('This needs the admin role');
    return true;
  }

  override handleRequest<T = AuthUser>(error: unknown, user: T | false, info: unknown): T {
    if (error) throw error instanceof UnauthorizedException ? error : new UnauthorizedException(describeFailure(error));
    if (!user) throw new UnauthorizedException(describeFailure(info));
    return user;
  }
}
