import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

const DOMAIN = 'mj-gateway/media-url/v1';
const SIGNATURE_CHARS = 22; // 132 bits of HMAC-SHA256, base64url
/** Signatures remembered: a list polled every few seconds signs the same rows with the same (stepped) expiry. */
const REMEMBERED = 20_000;

/** Never equal to an expiring link's message: its third line is a number. */
const durableMessage = (taskId: number, mjId: string, epoch: number) => `${taskId}\n${mjId}\ndurable:${epoch}`;

/**
 * Signs media links: HMAC-SHA256 over (task row id, upstream id, expiry) with the media-link key (its own, derived
 * per purpose) and a domain separator, so a link cannot be turned into a token or reused for another task.
 * Durable links (no expiry) are signed over (task row id, upstream id, link epoch) instead: they work until the task's
 * or its owner's links are revoked (the epoch moves on) or the media-link key is rotated.
 */
export class MediaSignature {
  private readonly key: KeyObject;
  private readonly remembered = new Map<string, string>();

  constructor(
    secret: string | Buffer,
    private readonly ttlSeconds: number,
  ) {
    this.key = createSecretKey(createHmac('sha256', secret).update(DOMAIN).digest());
  }

  /**
   * Rounded up to a step (at most an hour), so a page reloaded within the step hands out the same URLs and the
   * browser's cache keeps working; a link lives between ttl and ttl + step.
   */
  expiry(nowMs: number): number {
    const step = Math.min(3600, Math.max(1, Math.floor(this.ttlSeconds / 4)));
    return Math.ceil((Math.floor(nowMs / 1000) + this.ttlSeconds) / step) * step;
  }

  sign(taskId: number, mjId: string, exp: number): string {
    return this.remember(`${taskId}\n${mjId}\n${exp}`);
  }

  signDurable(taskId: number, mjId: string, epoch: number): string {
    return this.remember(durableMessage(taskId, mjId, epoch));
  }

  /** Constant-time; false when the owner is gone (no epoch), whatever the signature. */
  verifyDurable(taskId: number, mjId: string, epoch: number | null, signature: string): boolean {
    if (epoch === null || signature.length !== SIGNATURE_CHARS) return false;
    return timingSafeEqual(Buffer.from(this.compute(durableMessage(taskId, mjId, epoch))), Buffer.from(signature));
  }

  /** Constant-time; false for expired links, whatever the signature. */
  verify(taskId: number, mjId: string, exp: number, signature: string, nowMs: number): boolean {
    if (!Number.isSafeInteger(exp) || exp * 1000 < nowMs || signature.length !== SIGNATURE_CHARS) return false;
    return timingSafeEqual(Buffer.from(this.compute(`${taskId}\n${mjId}\n${exp}`)), Buffer.from(signature));
  }

  private remember(message: string): string {
    let signature = this.remembered.get(message);
    if (signature === undefined) {
      signature = this.compute(message);
      if (this.remembered.size >= REMEMBERED) this.remembered.clear();
      this.remembered.set(message, signature);
    }
    return signature;
  }

  private compute(message: string): string {
    return createHmac('sha256', this.key).update(message).digest('base64url').slice(0, SIGNATURE_CHARS);
  }
}
