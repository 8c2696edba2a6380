import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { readEnv } from '@app/core';

export class AuthEnv {
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

export const authConfig = registerAs('auth', (): AuthConfig => {
  const env = readEnv(AuthEnv);
  return {
    jwtExpiresInSeconds: toSeconds(env.JWT_EXPIRES_IN),
    adminUsername: env.ADMIN_USERNAME,
    adminPassword: env.ADMIN_PASSWORD,
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    loginAddressRateLimit: env.LOGIN_ADDRESS_RATE_LIMIT,
    loginRateWindowMs: env.LOGIN_RATE_WINDOW_S * 1000,
    passwordHashConcurrency: env.PASSWORD_HASH_CONCURRENCY,
  };
});
