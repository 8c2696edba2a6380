import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { readEnv } from './env';

export class DatabaseEnv {
  /** PostgreSQL connection string; unset means the embedded database under DATA_DIR. */
  @IsOptional()
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_MAX: number = 10;

  @IsString()
  DATA_DIR: string = './data';
}

export interface DatabaseConfig {
  url?: string;
  poolMax: number;
  dataDir: string;
}

export const databaseConfig = registerAs('database', (): DatabaseConfig => {
  const env = readEnv(DatabaseEnv);
  return { url: env.DATABASE_URL, poolMax: env.DB_POOL_MAX, dataDir: env.DATA_DIR };
});
