import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { createSecretKey } from 'node:crypto';
import { type AuthUser, Secrets } from '@app/core';
import { UserLookup } from './users/user-lookup';

export interface TokenClaims {
  sub: number;
  tv: number;
}

/** Verifies the dashboard JWT, then checks the user still exists, is enabled and the token is not outdated. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    secrets: Secrets,
    private readonly users: UserLookup,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a public key on every request.
      secretOrKey: createSecretKey(secrets.keyFor('jwt')) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: TokenClaims): Promise<AuthUser> {
    const user = typeof claims.sub === 'number' ? await this.users.findForToken(claims.sub) : null;
    if (!user) throw new UnauthorizedException('The user of this token no longer exists');
    if (user.status !== 'enabled') throw new UnauthorizedException('This user is disabled');
    if (user.tokenVersion !== claims.tv) throw new UnauthorizedException('This token was revoked; log in again');
    return { id: user.id, username: user.username, role: user.role };
  }
}
