import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Role, UserStatus } from './user.entity';

export interface TokenUser {
  id: number;
  username: string;
  role: Role;
  status: UserStatus;
  tokenVersion: number;
}

/** How long another instance may go on trusting a user it looked up (this instance forgets at once on change). */
const REMEMBER_MS = 1000;

/**
 * The one read every authenticated request makes: the token's user, remembered for a second so that a busy
 * client costs one lookup per second, not one per request. Changes made here (disable, delete, new password)
 * take effect on the next request; made on another instance, within REMEMBER_MS.
 */
@Injectable()
export class UserLookup {
  private readonly remembered = new Map<number, { user: TokenUser | null; until: number }>();

  constructor(private readonly em: EntityManager) {}

  async findForToken(id: number): Promise<TokenUser | null> {
    const now = Date.now();
    const hit = this.remembered.get(id);
    if (hit && hit.until > now) return hit.user;
    const rows = await this.em
      .getConnection()
      .execute<TokenUser[]>(
        'SELECT id, username, role, status, token_version AS "tokenVersion" FROM users WHERE id = ? AND deleted_at IS NULL',
        [id],
      );
    const user = rows[0] ?? null;
    if (this.remembered.size > 10_000) this.remembered.clear();
    this.remembered.set(id, { user, until: now + REMEMBER_MS });
    return user;
  }

  /** Called by whatever changes a user, so the next request sees the change. */
  forget(id: number): void {
    this.remembered.delete(id);
  }
}
