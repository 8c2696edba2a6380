import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { CreateRequestContext, MikroORM } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { authConfig } from './config/auth.config';
import { UsersService } from './users/users.service';

/** The admin made on this start; `password` only when it was generated (shown once, by the start banner). */
export interface CreatedAdmin {
  username: string;
  password?: string;
}

/** On the first start (no admin yet) creates one from ADMIN_USERNAME / ADMIN_PASSWORD, or prints a random password once. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Admin');
  /** Set when this start created the admin. */
  created?: CreatedAdmin;

  constructor(
    readonly orm: MikroORM,
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  @CreateRequestContext()
  async onApplicationBootstrap(): Promise<void> {
    const password = this.config.adminPassword ?? randomBytes(12).toString('base64url');
    const created = await this.users.ensureAdmin(this.config.adminUsername, password);
    if (!created) return;
    this.created = { username: created.username, password: this.config.adminPassword ? undefined : password };
    if (this.config.adminPassword) {
      this.logger.log(`Created admin "${created.username}" with the password from ADMIN_PASSWORD`);
    } else {
      this.logger.warn(`Created admin "${created.username}" with the generated password: ${password} (shown once; change it)`);
    }
  }
}
