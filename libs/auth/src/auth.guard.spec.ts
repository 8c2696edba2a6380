import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AuthGuard } from './auth.guard';
import type { ConfigType } from '@nestjs/config';
import { Authenticated, bearerToken, Secrets, type secretsConfig } from '@app/core';
import { JwtStrategy } from './jwt.strategy';
import { VerifiedTokens } from './verified-tokens';
import type { TokenUser, UserLookup } from './users/user-lookup';

const SECRET = 'unit-test-secret-that-is-long-enough-123';

class Routes {
  @Authenticated()
  mine() {}

  @Authenticated({ admin: true })
  everyone() {}

  open() {}
}

function contextFor(handler: keyof Routes, authorization?: string): { context: ExecutionContext; request: Record<string, any> } {
  const request: Record<string, any> = { headers: authorization ? { authorization } : {} };
  const context = {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
    getType: () => 'http',
    getArgs: () => [request, {}],
  } as unknown as ExecutionContext;
  return { context, request };
}

describe('AuthGuard (no Nest application)', () => {
  const users = new Map<number, TokenUser>([
    [1, { id: 1, username: 'root', role: 'admin', status: 'enabled', tokenVersion: 0 }],
    [2, { id: 2, username: 'alice', role: 'user', status: 'enabled', tokenVersion: 3 }],
    [3, { id: 3, username: 'bob', role: 'user', status: 'disabled', tokenVersion: 0 }],
  ]);
  const lookup = { findForToken: async (id: number) => users.get(id) ?? null } as UserLookup;
  // Registering the strategy makes it known to passport, as the module does.
  const secrets = new Secrets({ secret: SECRET } as ConfigType<typeof secretsConfig>);
  const strategy = new JwtStrategy(secrets, lookup);
  const guard = new AuthGuard(new Reflector(), {} as never, strategy);
  const jwt = new JwtService({ secret: secrets.keyFor('jwt') });
  const bearer = (sub: number, tv: number, expiresIn = 60) => `Bearer ${jwt.sign({ sub, tv }, { expiresIn })}`;

  it('lets anyone through a route without @Authenticated', async () => {
    await expect(guard.canActivate(contextFor('open').context)).resolves.toBe(true);
  });

  it("puts the token's user on the request", async () => {
    const { context, request } = contextFor('mine', bearer(2, 3));
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.user).toEqual({ id: 2, username: 'alice', role: 'user' });
  });

  it('answers 401 without a token, with a bad or expired one, and for a disabled or unknown user', async () => {
    const cases: [string | undefined, RegExp][] = [
      [undefined, /log in first/i],
      ['Bearer nonsense', /invalid/i],
      [`Bearer ${jwt.sign({ sub: 2, tv: 3 }, { secret: 'another-secret-that-is-long-enough-xx' })}`, /invalid/i],
      [bearer(2, 3, -10), /expired/i],
      [bearer(3, 0), /disabled/i],
      [bearer(9, 0), /no longer exists/i],
      [bearer(2, 2), /revoked/i],
    ];
    for (const [header, message] of cases) {
      const attempt = guard.canActivate(contextFor('mine', header).context);
      await expect(attempt).rejects.toBeInstanceOf(UnauthorizedException);
      await expect(attempt).rejects.toThrow(message);
    }
  });

  it('answers 403 to a user on an admin route and lets an admin in', async () => {
    await expect(guard.canActivate(contextFor('everyone', bearer(2, 3)).context)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(guard.canActivate(contextFor('everyone', bearer(1, 0)).context)).resolves.toBe(true);
  });

  it('checks the user of a token it verified before on every request: disabled or revoked is rejected at once', async () => {
    const header = bearer(2, 3);
    await expect(guard.canActivate(contextFor('mine', header).context)).resolves.toBe(true);
    users.set(2, { ...users.get(2)!, status: 'disabled' });
    await expect(guard.canActivate(contextFor('mine', header).context)).rejects.toThrow(/disabled/i);
    users.set(2, { ...users.get(2)!, status: 'enabled', tokenVersion: 4 });
    await expect(guard.canActivate(contextFor('mine', header).context)).rejects.toThrow(/revoked/i);
    users.set(2, { ...users.get(2)!, tokenVersion: 3 });
    const { context, request } = contextFor('mine', header);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.user).toEqual({ id: 2, username: 'alice', role: 'user' });
  });
});

describe('VerifiedTokens', () => {
  const jwt = new JwtService({ secret: SECRET });

  it('forgets a token once it expires, and only remembers tokens carrying the claims it needs', () => {
    const tokens = new VerifiedTokens();
    const token = jwt.sign({ sub: 2, tv: 3 }, { expiresIn: 60 });
    tokens.remember(token);
    const claims = tokens.get(token)!;
    expect(claims).toMatchObject({ sub: 2, tv: 3 });
    expect(tokens.get(token, claims.exp * 1000 + 1)).toBeUndefined();
    expect(tokens.get(token)).toBeUndefined();
    const withoutVersion = jwt.sign({ sub: 2 }, { expiresIn: 60 });
    tokens.remember(withoutVersion);
    expect(tokens.get(withoutVersion)).toBeUndefined();
  });

  it('reads the bearer token as passport-jwt does', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
