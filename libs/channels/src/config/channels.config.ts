import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { readEnv } from '@app/core';

export class ChannelsEnv {
  /** Time allowed for an upstream submit answer (midjourney-proxy uploads images to Discord before answering). */
  @IsInt()
  @Min(1000)
  @Max(600000)
  UPSTREAM_SUBMIT_TIMEOUT_MS: number = 60000;

  /** Time allowed for polls, fetches and probes. */
  @IsInt()
  @Min(500)
  @Max(600000)
  UPSTREAM_POLL_TIMEOUT_MS: number = 15000;

  @IsInt()
  @Min(100)
  @Max(60000)
  UPSTREAM_CONNECT_TIMEOUT_MS: number = 5000;

  /** Open connections per upstream; further requests wait for one. */
  @IsInt()
  @Min(1)
  @Max(1024)
  UPSTREAM_CONNECTIONS: number = 64;
}

export interface ChannelsConfig {
  submitTimeoutMs: number;
  pollTimeoutMs: number;
  connectTimeoutMs: number;
  connections: number;
}

export const channelsConfig = registerAs('channels', (): ChannelsConfig => {
  const env = readEnv(ChannelsEnv);
  return {
    submitTimeoutMs: env.UPSTREAM_SUBMIT_TIMEOUT_MS,
    pollTimeoutMs: env.UPSTREAM_POLL_TIMEOUT_MS,
    connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
    connections: env.UPSTREAM_CONNECTIONS,
  };
});
