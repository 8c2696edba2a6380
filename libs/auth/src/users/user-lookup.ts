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

/** The one read every authenticated request makes: a primary-key lookup of the token's user. */
@Injectable()
export class UserLookup {
  constructor(private readonly em: EntityManager) {}

  async findForToken(id: number): Promise<TokenUser | null> {
    const rows = await this.em
      .getConnection()
      .execute<TokenUser[]>(
        'SELECT id, username, role, status, token_version AS "tokenVersion" FROM users WHERE id = ? AND deleted_at IS NULL',
        [id],
      );
    return rows[0] ?? null;
  }
}
