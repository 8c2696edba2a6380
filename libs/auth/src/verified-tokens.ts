import type { TokenClaims } from './jwt.strategy';

/** Tokens remembered at most; past this the memory starts over (the next request of each verifies again). */
const REMEMBERED = 10_000;

export interface VerifiedClaims extends TokenClaims {
  exp: number;
}

/**
 * Dashboard tokens whose signature passport-jwt has already verified, with their claims, until they expire. A client
 * polling the task list sends the same token every few seconds: its signature is checked once, while the user it
 * names (enabled, not deleted, password unchanged) is still checked on every request.
 */
export class VerifiedTokens {
  private readonly claims = new Map<string, VerifiedClaims>();

  /** The claims of a token verified before, if it has not expired since. */
  get(token: string, nowMs = Date.now()): VerifiedClaims | undefined {
    const claims = this.claims.get(token);
    if (!claims) return undefined;
    if (claims.exp * 1000 > nowMs) return claims;
    this.claims.delete(token);
    return undefined;
  }

  /** Call only after the token's signature and expiry were verified: its payload is trusted as it stands. */
  remember(token: string): void {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Partial<VerifiedClaims>;
    if (typeof payload.exp !== 'number' || typeof payload.sub !== 'number' || typeof payload.tv !== 'number') return;
    if (this.claims.size >= REMEMBERED) this.claims.clear();
    this.claims.set(token, { sub: payload.sub, tv: payload.tv, exp: payload.exp });
  }
}
