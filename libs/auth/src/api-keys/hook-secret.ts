import { createHmac } from 'node:crypto';
import type { Secrets } from '@app/core';

/**
 * An API key's hook secret (what its callbacks are signed with), derived rather than stored: HMAC of the key's id and
 * secret version under the `hook-signature` key. Rotating bumps the version; the database alone never reveals it.
 */
export function hookSecretOf(secrets: Secrets, apiKeyId: number, version: number): string {
  return `whsec_${createHmac('sha256', secrets.keyFor('hook-signature')).update(`${apiKeyId}.${version}`).digest('base64url')}`;
}
