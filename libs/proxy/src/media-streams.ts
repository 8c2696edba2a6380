import { createHash, type Hash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { ByteRange } from './media-store/media-store';

/** A whole (small) stream in memory, refusing more than `maxBytes`: for image processing, never for serving. */
export async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      stream.destroy();
      throw new Error(`more than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/** Passes bytes through, counting them and hashing them (the stored object's size and ETag). */
export class Fingerprint extends Transform {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  etag(): string {
    return this.hash.digest('base64url').slice(0, 32);
  }
}

export function etagOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 32);
}

/**
 * Passes only bytes `start`..`end` of what flows through (a Range served from an upstream that sends the whole
 * file); ends its output as soon as the window is complete, so the caller can drop the rest of the upstream.
 */
export class ByteWindow extends Transform {
  private offset = 0;
  private complete = false;

  constructor(private readonly range: ByteRange) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.complete) return callback();
    const from = this.offset;
    this.offset += chunk.length;
    const start = Math.max(this.range.start - from, 0);
    const end = Math.min(this.range.end + 1 - from, chunk.length);
    if (start < end) this.push(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
    if (this.offset > this.range.end) {
      this.complete = true;
      this.push(null);
    }
    callback();
  }
}

/**
 * A single `bytes=` range against a file of `size` bytes: the range, `unsatisfiable` (416), or null to send the
 * whole file (no header, several ranges, or a header we do not understand, as RFC 9110 allows).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
