import { registerAs } from '@nestjs/config';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { InvalidEnvironmentError, readEnv } from '@app/core';
import { parseAllowlistEntry } from '../fetch-allowlist';

export class ProxyEnv {
  /** Answers link images and videos through the gateway (`/mj/image/<id>`), never to the upstream. */
  @IsBoolean()
  MJ_FORWARD_URL: boolean = true;

  /**
   * Links in the relay's answers (fetch, list-by-condition, uploads): `durable` ones live as long as the gateway keeps
   * the media and die when revoked (per task or per user); `expiring` ones die after MEDIA_URL_TTL_S like the console's.
   */
  @IsIn(['durable', 'expiring'])
  MEDIA_CLIENT_LINKS: 'durable' | 'expiring' = 'durable';

  /** Lifetime of a signed media link handed to the console (and to API clients with MEDIA_CLIENT_LINKS=expiring). */
  @IsInt()
  @Min(60)
  @Max(30 * 86400)
  MEDIA_URL_TTL_S: number = 86400;

  /** Largest upstream file fetched or stored. */
  @IsInt()
  @Min(1024)
  @Max(4 * 1024 ** 3)
  MEDIA_MAX_BYTES: number = 50 * 1024 * 1024;

  /** `host:port`, `[v6]:port` or `CIDR:port` (ports may be ranges) that may be fetched although private (a local simulator, say). */
  @IsOptional()
  @IsString()
  MEDIA_FETCH_ALLOWLIST?: string;

  @IsInt()
  @Min(100)
  @Max(60000)
  MEDIA_CONNECT_TIMEOUT_MS: number = 5000;

  /** Until the upstream's headers, and between two chunks of its body. */
  @IsInt()
  @Min(100)
  @Max(600000)
  MEDIA_FIRST_BYTE_TIMEOUT_MS: number = 15000;

  @IsInt()
  @Min(1000)
  @Max(3600000)
  MEDIA_TOTAL_TIMEOUT_MS: number = 120000;

  /** Where finished results are kept: a directory under DATA_DIR, an S3-compatible bucket, or nowhere. */
  @IsIn(['local', 's3', 'off'])
  MEDIA_STORE: 'local' | 's3' | 'off' = 'local';

  @IsString()
  DATA_DIR: string = './data';

  /** Size budget of the store; thumbnails go first, then the oldest originals, when it is exceeded (0 = no limit). */
  @IsInt()
  @Min(0)
  @Max(100 * 1024 * 1024)
  MEDIA_STORE_MAX_MB: number = 10240;

  /** Thumbnails one user may have made (resized) per MEDIA_THUMBNAIL_RATE_WINDOW_S; stored ones do not count. */
  @IsInt()
  @Min(1)
  @Max(100000)
  MEDIA_THUMBNAIL_RATE_LIMIT: number = 120;

  @IsInt()
  @Min(1)
  @Max(86400)
  MEDIA_THUMBNAIL_RATE_WINDOW_S: number = 60;

  /** Copy finished results into the store (off on read-only replicas, or in tests that do not want it). */
  @IsBoolean()
  MEDIA_ARCHIVE_ENABLED: boolean = true;

  /** How often the sweep looks for results not stored yet (events start most copies at once). */
  @IsInt()
  @Min(200)
  @Max(3600000)
  MEDIA_ARCHIVE_INTERVAL_MS: number = 15000;

  /** Copies running at once on one instance. */
  @IsInt()
  @Min(1)
  @Max(64)
  MEDIA_ARCHIVE_CONCURRENCY: number = 2;

  /** Tries before a result is left on the upstream for good. */
  @IsInt()
  @Min(1)
  @Max(100)
  MEDIA_ARCHIVE_ATTEMPTS: number = 8;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  S3_BUCKET?: string;

  @IsString()
  S3_REGION: string = 'us-east-1';

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** MinIO and most self-hosted stores need path-style URLs. */
  @IsBoolean()
  S3_FORCE_PATH_STYLE: boolean = false;
}

export interface S3Settings {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export interface ProxyConfig {
  forward: boolean;
  urlTtlSeconds: number;
  clientLinks: 'durable' | 'expiring';
  maxBytes: number;
  allowlist: string[];
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  totalTimeoutMs: number;
  store: 'local' | 's3' | 'off';
  storeDir: string;
  storeMaxBytes: number;
  thumbnailRateLimit: { limit: number; windowMs: number };
  s3?: S3Settings;
  archive: { enabled: boolean; intervalMs: number; concurrency: number; attempts: number };
}

function allowlistOf(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    try {
      parseAllowlistEntry(entry);
    } catch (error) {
      throw new InvalidEnvironmentError('MEDIA_FETCH_ALLOWLIST', `has an invalid entry ${(error as Error).message}`);
    }
  }
  return entries;
}

export const proxyConfig = registerAs('proxy', (): ProxyConfig => {
  const env = readEnv(ProxyEnv);
  if (env.MEDIA_STORE === 's3' && !env.S3_BUCKET) throw new InvalidEnvironmentError('S3_BUCKET', 'is required when MEDIA_STORE=s3');
  return {
    forward: env.MJ_FORWARD_URL,
    urlTtlSeconds: env.MEDIA_URL_TTL_S,
    clientLinks: env.MEDIA_CLIENT_LINKS,
    maxBytes: env.MEDIA_MAX_BYTES,
    allowlist: allowlistOf(env.MEDIA_FETCH_ALLOWLIST),
    connectTimeoutMs: env.MEDIA_CONNECT_TIMEOUT_MS,
    firstByteTimeoutMs: env.MEDIA_FIRST_BYTE_TIMEOUT_MS,
    totalTimeoutMs: env.MEDIA_TOTAL_TIMEOUT_MS,
    store: env.MEDIA_STORE,
    storeDir: `${env.DATA_DIR.replace(/\/+$/, '')}/media`,
    storeMaxBytes: env.MEDIA_STORE_MAX_MB * 1024 * 1024,
    thumbnailRateLimit: { limit: env.MEDIA_THUMBNAIL_RATE_LIMIT, windowMs: env.MEDIA_THUMBNAIL_RATE_WINDOW_S * 1000 },
    s3:
      env.MEDIA_STORE === 's3'
        ? {
            endpoint: env.S3_ENDPOINT,
            bucket: env.S3_BUCKET!,
            region: env.S3_REGION,
            accessKeyId: env.S3_ACCESS_KEY_ID,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
          }
        : undefined,
    archive: {
      enabled: env.MEDIA_ARCHIVE_ENABLED && env.MEDIA_STORE !== 'off',
      intervalMs: env.MEDIA_ARCHIVE_INTERVAL_MS,
      concurrency: env.MEDIA_ARCHIVE_CONCURRENCY,
      attempts: env.MEDIA_ARCHIVE_ATTEMPTS,
    },
  };
});
