import { EntityRepository } from '@mikro-orm/postgresql';
import type { User } from './user.entity';

export interface UserPageFilter {
  username?: string;
  role?: string;
  status?: string;
}

export class UserRepository extends EntityRepository<User> {
  findActiveById(id: number): Promise<User | null> {
    return this.findOne({ id, deletedAt: null });
  }

  findActiveByUsername(username: string): Promise<User | null> {
    return this.findOne(
      { username: { $ilike: username.replace(/[\\%_]/g, '\\$&') }, deletedAt: null },
      {
        populate: ['passwordHash'],
      },
    );
  }

  existsByUsername(username: string): Promise<number> {
    return this.count({ username: { $ilike: username.replace(/[\\%_]/g, '\\$&') } });
  }

  findPage(filter: UserPageFilter, offset: number, limit: number): Promise<[User[], number]> {
    const where = {
      deletedAt: null,
      ...(filter.username ? { username: { $ilike: `%${filter.username.replace(/[\\%_]/g, '\\$&')}%` } } : {}),
      ...(filter.role ? { role: filter.role as User['role'] } : {}),
      ...(filter.status ? { status: filter.status as User['status'] } : {}),
    };
    return this.findAndCount(where, { orderBy: { id: 'DESC' }, offset, limit });
  }

  countAdmins(): Promise<number> {
    return this.count({ role: 'admin', deletedAt: null });
  }
}
