import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Secrets } from '@app/core';

/** The secret in a channel's notify URL: an HMAC of the channel id, so no table holds it and it can't be guessed. */
@Injectable()
export class NotifyTokens {
  private readonly key: Buffer;

  constructor(secrets: Secrets) {
    this.key = secrets.keyFor('notify-token');
  }

  tokenFor(channelId: number): string {
    return createHmac('sha256', this.key).update(`mj-notify:${channelId}`).digest('base64url').slice(0, 32);
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
