import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidEnvironmentError, readEnv } from './env';

export class SecretsEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsString()
  DATA_DIR: string = './data';

  /** The installation's secret: every purpose's key is derived from it (the name is kept from the first releases). */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Set to rotate the media-link key alone: every handed-out media link dies, nobody is logged out. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  MEDIA_LINK_SECRET?: string;
}

export interface SecretsConfig {
  secret: string;
  mediaLinkSecret?: string;
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

export const secretsConfig = registerAs('secrets', (): SecretsConfig => {
  const env = readEnv(SecretsEnv);
  if (!env.JWT_SECRET && env.NODE_ENV === 'production') {
    throw new InvalidEnvironmentError('JWT_SECRET', 'is required when NODE_ENV=production');
  }
  return { secret: env.JWT_SECRET ?? persistentSecret(env.DATA_DIR), mediaLinkSecret: env.MEDIA_LINK_SECRET };
});
