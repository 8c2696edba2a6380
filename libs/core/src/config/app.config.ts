import { registerAs } from '@nestjs/config';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { readEnv } from './env';

export class AppEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  DATA_DIR: string = './data';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** `auto`: plain lines on a terminal, JSON otherwise. */
  @IsIn(['auto', 'pretty', 'json'])
  LOG_FORMAT: 'auto' | 'pretty' | 'json' = 'auto';

  @IsBoolean()
  TRUST_PROXY: boolean = false;

  /** Largest JSON body accepted anywhere, in megabytes (base64 reference images make relay bodies large). */
  @IsInt()
  @Min(1)
  @Max(200)
  BODY_LIMIT_MB: number = 40;

  /** Browser origins allowed to call `/api/*`, `/mj/*` (and the speed prefixes) directly: a comma-separated list, or `*`. */
  @IsOptional()
  @Matches(/^\s*(\*|https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*)\s*$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of origins such as https://app.example.com',
  })
  CORS_ORIGINS?: string;
}

/** The allowed origins of `CORS_ORIGINS`: `*`, a list (without trailing slashes), or none (CORS off). */
export function corsOrigins(env: Pick<AppEnv, 'CORS_ORIGINS'>): '*' | string[] {
  const value = env.CORS_ORIGINS?.trim() ?? '';
  if (value === '*') return '*';
  return value ? value.split(',').map((origin) => origin.trim().replace(/\/+$/, '')) : [];
}

export type AppConfig = AppEnv;

export const appConfig = registerAs('app', (): AppConfig => readEnv(AppEnv));
