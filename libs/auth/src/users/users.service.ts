import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AdjustQuotaDto, BillingService } from '@app/billing';
import { ConflictError, NotFoundError, pageWindow, Sql } from '@app/core';
import type { AuthUser } from '@app/core';
import { CreateUserDto, ListUsersQuery, toUserDto, UpdateUserDto, UserDto, UserPageDto } from '../dto/user.dto';
import { hashPassword } from './password';
import { UserLookup } from './user-lookup';
import { User } from './user.entity';
import { UserRepository } from './user.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UserRepository,
    private readonly billing: BillingService,
    private readonly lookup: UserLookup,
    private readonly sql: Sql,
  ) {}

  async list(query: ListUsersQuery): Promise<UserPageDto> {
    const { page, pageSize, offset } = pageWindow(query);
    const [users, total] = await this.users.findPage(query, offset, pageSize);
    return { items: users.map(toUserDto), total, page, page_size: pageSize };
  }

  /**
   * One user as the API answers it, read in one statement: every client asks for its own profile and balance often
   * (`GET /api/user/self`), and loading the entity cost as much CPU as a page of the task list.
   */
  async get(id: number): Promise<UserDto> {
    const [user] = await this.sql.query<UserDto>(
      `SELECT id, username, role, status, quota::float8 AS quota, default_mode, max_tasks,
         floor(extract(epoch FROM created_at))::float8 AS created_at, floor(extract(epoch FROM updated_at))::float8 AS updated_at
       FROM users WHERE id = ? AND deleted_at IS NULL`,
      [id],
    );
    if (!user) throw new NotFoundError(`User ${id} not found`);
    return user;
  }

  async create(actor: AuthUser, dto: CreateUserDto): Promise<UserDto> {
    if (await this.users.existsByUsername(dto.username)) {
      throw new ConflictError(`username "${dto.username}" is taken`);
    }
    const user = this.users.create({
      username: dto.username,
      passwordHash: await hashPassword(dto.password),
      role: dto.role ?? 'user',
      status: dto.status ?? 'enabled',
      defaultMode: dto.default_mode ?? null,
    });
    await this.em.persistAndFlush(user);
    if (dto.quota) {
      await this.billing.adjust({ userId: user.id, amount: dto.quota, reason: 'starting balance', actorId: actor.id });
    }
    return this.get(user.id);
  }

  async update(actor: AuthUser, id: number, dto: UpdateUserDto): Promise<UserDto> {
    const user = await this.require(id);
    if (actor.id === id && ((dto.role && dto.role !== 'admin') || dto.status === 'disabled')) {
      throw new ConflictError('You cannot demote or disable yourself');
    }
    if (dto.role) user.role = dto.role;
    if (dto.status) user.status = dto.status;
    if (dto.default_mode !== undefined) user.defaultMode = dto.default_mode;
    if (dto.max_tasks !== undefined) user.maxTasks = dto.max_tasks;
    if (dto.password) {
      user.passwordHash = await hashPassword(dto.password);
      user.tokenVersion += 1;
    }
    await this.em.flush();
    this.lookup.forget(id);
    if (dto.quota !== undefined && dto.quota !== user.quota) {
      await this.billing.adjust({ userId: id, amount: dto.quota - user.quota, reason: 'balance set by an admin', actorId: actor.id });
    }
    this.em.clear();
    return this.get(id);
  }

  async adjustQuota(actor: AuthUser, id: number, dto: AdjustQuotaDto): Promise<UserDto> {
    await this.billing.adjust({ userId: id, amount: dto.amount, reason: dto.reason, actorId: actor.id });
    return this.get(id);
  }

  async remove(actor: AuthUser, id: number): Promise<void> {
    if (actor.id === id) throw new ConflictError('You cannot delete yourself');
    const user = await this.require(id);
    user.deletedAt = new Date();
    user.status = 'disabled';
    await this.em.flush();
    this.lookup.forget(id);
  }

  /**
   * Revokes every durable media link of the user's tasks (their link epoch moves on): links handed out so far stop
   * working within 5 s on every instance; later answers carry new ones.
   */
  async revokeLinks(id: number): Promise<void> {
    const rows = await this.sql.query('UPDATE users SET link_epoch = link_epoch + 1 WHERE id = ? AND deleted_at IS NULL RETURNING id', [
      id,
    ]);
    if (!rows.length) throw new NotFoundError(`User ${id} not found`);
  }

  /** Creates an admin when none exists yet; the first start of a new installation. */
  async ensureAdmin(username: string, password: string): Promise<User | null> {
    if ((await this.users.countAdmins()) > 0) return null;
    const user = this.users.create({ username, passwordHash: await hashPassword(password), role: 'admin' });
    await this.em.persistAndFlush(user);
    return user;
  }

  private async require(id: number): Promise<User> {
    const user = await this.users.findActiveById(id);
    if (!user) throw new NotFoundError(`User ${id} not found`);
    return user;
  }
}
