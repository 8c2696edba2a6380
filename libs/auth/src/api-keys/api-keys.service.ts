import { Injectable, UnauthorizedException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { BadRequestError, NotFoundError, PageQuery, pageWindow, Secrets, Sql } from '@app/core';
import type { AuthUser } from '@app/core';
import { ApiKey } from './api-key.entity';
import { ApiKeyPageDto, CreateApiKeyDto, CreatedApiKeyDto, toApiKeyDto } from './api-key.dto';
import { hookSecretOf } from './hook-secret';

const LAST_USED_RESOLUTION_MS = 60_000;

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

interface KeyRow {
  id: number;
  user_id: number;
  username: string;
  role: AuthUser['role'];
  status: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  default_mode: 'fast' | 'relax' | 'turbo' | null;
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: Sql,
    private readonly secrets: Secrets,
  ) {}

  async list(userId: number, query: PageQuery): Promise<ApiKeyPageDto> {
    const { page, pageSize, offset } = pageWindow(query);
    const [keys, total] = await this.em.findAndCount(
      ApiKey,
      { userId, deletedAt: null },
      { orderBy: { id: 'DESC' }, offset, limit: pageSize },
    );
    return { items: keys.map(toApiKeyDto), total, page, page_size: pageSize };
  }

  async create(userId: number, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    if (dto.expires_at !== undefined && dto.expires_at * 1000 <= Date.now()) {
      throw new BadRequestError('expires_at must be in the future', { expires_at: 'expires_at must be in the future' });
    }
    const key = `sk-${randomBytes(24).toString('base64url')}`;
    const apiKey = this.em.create(ApiKey, {
      userId,
      name: dto.name,
      keyHash: hashKey(key),
      keyPrefix: key.slice(0, 7),
      expiresAt: dto.expires_at ? new Date(dto.expires_at * 1000) : undefined,
      quotaLimit: dto.quota_limit ? dto.quota_limit : null,
      maxTasks: dto.max_tasks ? dto.max_tasks : null,
      hookUrl: dto.hook_url ?? '',
      defaultMode: dto.default_mode ?? null,
    });
    await this.em.persistAndFlush(apiKey);
    return { id: apiKey.id, name: apiKey.name, key, hook_secret: hookSecretOf(this.secrets, apiKey.id, apiKey.hookSecretVersion) };
  }

  async revoke(userId: number, id: number): Promise<void> {
    const key = await this.em.findOne(ApiKey, { id, userId, deletedAt: null });
    if (!key) throw new NotFoundError(`API key ${id} not found`);
    key.deletedAt = new Date();
    await this.em.flush();
  }

  /** The relay's authentication: the key's user, if the key is live and the user enabled; 401 otherwise. */
  async authenticate(key: string): Promise<AuthUser> {
    const rows = await this.sql.query<KeyRow>(
      `SELECT k.id, k.user_id, u.username, u.role, u.status, k.expires_at, k.last_used_at,
              coalesce(k.default_mode, u.default_mode) AS default_mode
       FROM api_keys k JOIN users u ON u.id = k.user_id
       WHERE k.key_hash = ? AND k.deleted_at IS NULL AND u.deleted_at IS NULL`,
      [hashKey(key)],
    );
    const row = rows[0];
    if (!row) throw new UnauthorizedException('Unknown or revoked API key');
    if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) throw new UnauthorizedException('This API key has expired');
    if (row.status !== 'enabled') throw new UnauthorizedException('The user of this API key is disabled');
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_RESOLUTION_MS) {
      await this.sql.query('UPDATE api_keys SET last_used_at = now() WHERE id = ?', [row.id]);
    }
    return { id: row.user_id, username: row.username, role: row.role, apiKeyId: row.id, defaultMode: row.default_mode ?? undefined };
  }
}
