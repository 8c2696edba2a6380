import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { ApiKeysService } from '@app/auth';
import { type AuthUser, bearerToken } from '@app/core';

/**
 * Media links work without a header (signed URLs); a dashboard JWT or an API key is an alternative. This guard never
 * refuses: it only finds out who the caller is (the same checks as the global guard), and the service decides.
 */
@Injectable()
export class MediaViewerGuard extends PassportAuthGuard('jwt') {
  constructor(private readonly apiKeys: ApiKeysService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ user?: AuthUser; headers: Record<string, string | undefined> }>();
    const bearer = bearerToken(request.headers.authorization);
    const apiKey = bearer?.startsWith('sk-') ? bearer : request.headers['mj-api-secret']?.trim();
    try {
      if (apiKey) request.user = await this.apiKeys.authenticate(apiKey);
      else if (bearer) await super.canActivate(context);
    } catch {
      request.user = undefined;
    }
    return true;
  }

  override handleRequest<T = AuthUser>(error: unknown, user: T | false): T {
    if (error || !user) throw new UnauthorizedException();
    return user;
  }
}
