import { ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AUTHENTICATED, AuthenticatedOptions, AuthUser, bearerToken } from '@app/core';
import { JwtStrategy } from './jwt.strategy';
import { VerifiedTokens } from './verified-tokens';

function describeFailure(info: unknown): string {
  const name = (info as { name?: string } | undefined)?.name;
  if (name === 'TokenExpiredError') return 'The token has expired; log in again';
  if (name === 'JsonWebTokenError' || name === 'NotBeforeError') return 'The token is invalid';
  if (info instanceof Error && /no auth token/i.test(info.message)) return 'Log in first: send Authorization: Bearer <token>';
  return 'Log in first: send Authorization: Bearer <token>';
}

/** midjourney-proxy clients send the key as `mj-api-secret`; others as a bearer token. */
function apiKeyOf(headers: Record<string, string | undefined>): string {
  const bearer = bearerToken(headers.authorization);
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
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly jwt: JwtStrategy,
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
      request.user = await this.dashboardUser(context, request.headers.authorization);
    }
    const user = request.user;
    if (options.admin && user.role !== 'admin') throw new ForbiddenException('This needs the admin role');
    return true;
  }

  /** The dashboard token's user: passport-jwt verifies a token the first time; its user is checked every time. */
  private async dashboardUser(context: ExecutionContext, authorization: string | undefined): Promise<AuthUser> {
    const token = bearerToken(authorization);
    const claims = token === undefined ? undefined : this.verified.get(token);
    if (claims) return this.jwt.validate(claims);
    await super.canActivate(context);
    if (token !== undefined) this.verified.remember(token);
    return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
  }

  override handleRequest<T = AuthUser>(error: unknown, user: T | false, info: unknown): T {
    if (error) throw error instanceof UnauthorizedException ? error : new UnauthorizedException(describeFailure(error));
    if (!user) throw new UnauthorizedException(describeFailure(info));
    return user;
  }
}
