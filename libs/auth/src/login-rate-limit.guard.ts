import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { RateLimiter } from '@app/core';
import { authConfig } from './config/auth.config';

/**
 * Login attempts are counted twice, in the database so that every instance shares the counts: per client address
 * across usernames (one address spraying many accounts) and per username across addresses (many addresses guessing
 * one account). Either over its limit is a 429 with Retry-After, before any password is checked. The per-username
 * limit means a flood can lock an account's logins for a window; existing tokens keep working.
 */
@Injectable()
export class LoginRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Body: { username?: unknown } | undefined }>>();
    const windowMs = this.config.loginRateWindowMs;
    const limits = [
      {
        key: `login:address:${request.ip}`,
        limit: { limit: this.config.loginAddressRateLimit, windowMs },
        message: 'Too many login attempts from this address',
      },
    ];
    const username = request.body?.username;
    if (typeof username === 'string' && username.trim()) {
      const key = `login:username:${username.trim().toLowerCase().slice(0, 128)}`;
      limits.push({ key, limit: { limit: this.config.loginRateLimit, windowMs }, message: 'Too many login attempts for this username' });
    }
    await this.limiter.consume(...limits);
    return true;
  }
}
