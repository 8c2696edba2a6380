import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { hkdfSync } from 'node:crypto';
import { secretsConfig } from '../config/secrets.config';

/** What a key is for; each gets its own, so one leaking or rotating never touches the others. */
export type SecretPurpose = 'jwt' | 'notify-token' | 'media-link' | 'sse-ticket' | 'hook-signature' | 'alert-signature' | 'task-id';

/** Derives a separate 256-bit key per purpose from the configured secret (HKDF-SHA256, the purpose as its info). */
export function deriveKey(secret: string, purpose: SecretPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', `mj-gateway/${purpose}`, 32));
}

/** The one place feature libraries get keys from: none of them reads the configured secret itself. */
@Injectable()
export class Secrets {
  private readonly keys = new Map<SecretPurpose, Buffer>();

  constructor(@Inject(secretsConfig.KEY) private readonly config: ConfigType<typeof secretsConfig>) {}

  keyFor(purpose: SecretPurpose): Buffer {
    let key = this.keys.get(purpose);
    if (!key) {
      const secret = purpose === 'media-link' && this.config.mediaLinkSecret ? this.config.mediaLinkSecret : this.config.secret;
      key = deriveKey(secret, purpose);
      this.keys.set(purpose, key);
    }
    return key;
  }
}
