import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { authConfig } from '@app/auth';

/** The secret in a channel's notify URL: an HMAC of the channel id, so no table holds it and it can't be guessed. */
@Injectable()
export class NotifyTokens {
  constructor(@Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>) {}

  tokenFor(channelId: number): string {
    return createHmac('sha256', this.auth.jwtSecret).update(`mj-notify:${channelId}`).digest('base64url').slice(0, 32);
  }

  verify(channelId: number, token: string): boolean {
    const expected = Buffer.from(this.tokenFor(channelId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Where the upstream posts this channel's task updates. */
  hookUrl(baseUrl: string, channelId: number): string {
    return `${baseUrl}/notify/mj/${channelId}/${this.tokenFor(channelId)}`;
  }
}
