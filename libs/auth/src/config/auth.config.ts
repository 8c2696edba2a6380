import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvalidEnvironmentError, readEnv } from '@app/core';

export class AuthEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsString()
  DATA_DIR: string = './data';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsString()
  @Matches(/^\d+[smhd]?$/, { message: 'must be a number of seconds or a duration like 15m, 12h, 7d' })
  JWT_EXPIRES_IN: string = '7d';

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, { message: 'must be 3-64 letters, digits, _ . or -' })
  ADMIN_USERNAME: string = 'admin';

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  ADMIN_PASSWORD?: string;

  /** Login attempts allowed per username, from any address, in LOGIN_RATE_WINDOW_S seconds. */
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_RATE_LIMIT: number = 10;

  /** Login attempts allowed per client address, whatever the usernames, in LOGIN_RATE_WINDOW_S seconds. */
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_ADDRESS_RATE_LIMIT: number = 30;

  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_RATE_WINDOW_S: number = 60;

  /** Password hashes (argon2) computed at once; more wait their turn, so a login flood cannot starve other requests. */
  @IsInt()
  @Min(1)
  @Max(64)
  PASSWORD_HASH_CONCURRENCY: number = 1;
}

export interface AuthConfig {
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  adminUsername: string;
  adminPassword?: string;
  loginRateLimit: number;
  loginAddressRateLimit: number;
  loginRateWindowMs: number;
  passwordHashConcurrency: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

function toSeconds(duration: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(duration)!;
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}

/** Outside production a secret is generated once and kept under DATA_DIR, so tokens survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export const authConfig = registerAs('auth', (): AuthConfig => {
  const env = readEnv(AuthEnv);
  if (!env.JWT_SECRET && env.NODE_ENV === 'production') {
    throw new InvalidEnvironmentError('JWT_SECRET', 'is required when NODE_ENV=production');
  }
  return {
    jwtSecret: env.JWT_SECRET ?? persistentSecret(env.DATA_DIR),
    jwtExpiresInSeconds: toSeconds(env.JWT_EXPIRES_IN),
    adminUsername: env.ADMIN_USERNAME,
    adminPassword: env.ADMIN_PASSWORD,
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    loginAddressRateLimit: env.LOGIN_ADDRESS_RATE_LIMIT,
    loginRateWindowMs: env.LOGIN_RATE_WINDOW_S * 1000,
    passwordHashConcurrency: env.PASSWORD_HASH_CONCURRENCY,
  };
});
