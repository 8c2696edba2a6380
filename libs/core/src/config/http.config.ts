import { registerAs } from '@nestjs/config';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { InvalidEnvironmentError, readEnv } from './env';
import { AppEnv } from './app.config';

/** How the gateway meets the network: TLS, redirects, security headers, connection timeouts, /metrics access. */
export class HttpEnv {
  /** PEM certificate (chain) and key: with both, the gateway serves HTTPS itself. */
  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  /** With TLS: a second listener on this port answers plain HTTP with a redirect to HTTPS. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  HTTP_REDIRECT_PORT?: number;

  /** NODE_ENV=production over plain HTTP without TRUST_PROXY is refused unless this says the risk is taken. */
  @IsBoolean()
  ALLOW_INSECURE_HTTP: boolean = false;

  /** Strict-Transport-Security on HTTPS answers (0 = none). */
  @IsInt()
  @Min(0)
  @Max(63072000)
  HSTS_MAX_AGE_S: number = 31536000;

  /** A request's headers must arrive within this (slowloris). */
  @IsInt()
  @Min(500)
  @Max(600000)
  HTTP_HEADERS_TIMEOUT_MS: number = 10000;

  /** The whole request, body included, must arrive within this. */
  @IsInt()
  @Min(1000)
  @Max(3600000)
  HTTP_REQUEST_TIMEOUT_MS: number = 120000;

  /**
   * A connection with no traffic either way for this long is closed. Longer than the longest wait on an upstream while
   * the client hears nothing (a submit: UPSTREAM_SUBMIT_TIMEOUT_MS; a thumbnail: MEDIA_TOTAL_TIMEOUT_MS).
   */
  @IsInt()
  @Min(1000)
  @Max(3600000)
  HTTP_IDLE_TIMEOUT_MS: number = 180000;

  /** An idle keep-alive connection between two requests is closed after this. */
  @IsInt()
  @Min(1000)
  @Max(600000)
  HTTP_KEEPALIVE_TIMEOUT_MS: number = 65000;

  /** When set, `GET /metrics` needs `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface HttpConfig {
  tls: TlsFiles | null;
  redirectPort: number | null;
  allowInsecure: boolean;
  hstsMaxAgeSeconds: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  metricsToken: string | null;
}

const INSECURE_HINT =
  'serve HTTPS with TLS_CERT_FILE and TLS_KEY_FILE, or run behind a reverse proxy that terminates TLS with TRUST_PROXY=true ' +
  '(see "Production" in the README); ALLOW_INSECURE_HTTP=true accepts the risk';

/**
 * The transport rules, checked once at boot. Production refuses plain HTTP that nothing protects: tokens and passwords
 * would travel in clear. Returns a warning to log when the operator overrode that with ALLOW_INSECURE_HTTP.
 */
export function readHttpConfig(env: NodeJS.ProcessEnv = process.env): HttpConfig & { warning?: string } {
  const app = readEnv(AppEnv, env);
  const http = readEnv(HttpEnv, env);
  if (!!http.TLS_CERT_FILE !== !!http.TLS_KEY_FILE) {
    const missing = http.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE';
    throw new InvalidEnvironmentError(missing, 'is required with the other TLS file (TLS_CERT_FILE and TLS_KEY_FILE go together)');
  }
  const tls = http.TLS_CERT_FILE && http.TLS_KEY_FILE ? { certFile: http.TLS_CERT_FILE, keyFile: http.TLS_KEY_FILE } : null;
  if (http.HTTP_REDIRECT_PORT && !tls) {
    throw new InvalidEnvironmentError('HTTP_REDIRECT_PORT', 'redirects to HTTPS, so it needs TLS_CERT_FILE and TLS_KEY_FILE');
  }
  if (http.HTTP_REDIRECT_PORT && http.HTTP_REDIRECT_PORT === app.PORT) {
    throw new InvalidEnvironmentError('HTTP_REDIRECT_PORT', 'must differ from PORT');
  }
  let warning: string | undefined;
  if (app.NODE_ENV === 'production') {
    const plainListener = !tls && !app.TRUST_PROXY;
    const plainPublicUrl = app.PUBLIC_URL?.startsWith('http:');
    const problem = plainPublicUrl
      ? `PUBLIC_URL (${app.PUBLIC_URL}) is plain HTTP`
      : plainListener
        ? 'the gateway would listen on plain HTTP (no TLS_CERT_FILE/TLS_KEY_FILE, no TRUST_PROXY)'
        : null;
    if (problem && !http.ALLOW_INSECURE_HTTP) {
      throw new InvalidEnvironmentError(
        'NODE_ENV',
        `is production but ${problem}: tokens and passwords would travel in clear; ${INSECURE_HINT}`,
      );
    }
    if (problem) warning = `ALLOW_INSECURE_HTTP=true: ${problem} in production; tokens and passwords travel in clear`;
  }
  return {
    tls,
    redirectPort: http.HTTP_REDIRECT_PORT ?? null,
    allowInsecure: http.ALLOW_INSECURE_HTTP,
    hstsMaxAgeSeconds: http.HSTS_MAX_AGE_S,
    headersTimeoutMs: Math.min(http.HTTP_HEADERS_TIMEOUT_MS, http.HTTP_REQUEST_TIMEOUT_MS),
    requestTimeoutMs: http.HTTP_REQUEST_TIMEOUT_MS,
    idleTimeoutMs: http.HTTP_IDLE_TIMEOUT_MS,
    keepAliveTimeoutMs: http.HTTP_KEEPALIVE_TIMEOUT_MS,
    metricsToken: http.METRICS_TOKEN ?? null,
    warning,
  };
}

export const httpConfig = registerAs('http', (): HttpConfig => readHttpConfig());
