import type { Readable } from 'node:stream';
import type { FileBody } from './file-body';

/** Bytes `start`..`end` of an object, both inclusive (as in a Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where finished results live once copied from the upstream. Keys are relative paths like
 * `tasks/42/image-0.png`; metadata (type, size, ETag) is kept in the `media_objects` table, not here.
 */
export abstract class MediaStore {
  /** `local`, `s3` or `off`. */
  abstract readonly name: string;

  /** Moves a finished file (written under `tempDir`) into the store. */
  abstract putFile(key: string, file: string, contentType: string, size: number): Promise<void>;

  abstract putBuffer(key: string, body: Buffer, contentType: string): Promise<void>;

  /** The object (or part of it) as a stream; null when it is not there (evicted, or deleted behind our back). */
  abstract read(key: string, range?: ByteRange): Promise<Readable | null>;

  /**
   * The object's bytes `range` to serve: an open local file (sent through reused buffers, see `sendFile`), else a
   * stream as `read` gives it; null when it is not there.
   */
  open(key: string, range: ByteRange): Promise<FileBody | Readable | null> {
    return this.read(key, range);
  }

  abstract delete(key: string): Promise<void>;

  /** A local directory for downloads in progress (always on local disk, whatever the store). */
  abstract readonly tempDir: string;
}

/** Keys are made by us, but a path must never leave the store's root. */
export function checkKey(key: string): string {
  if (!/^[a-z0-9][a-z0-9/._-]{0,200}$/i.test(key) || key.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    throw new Error(`invalid media store key "${key}"`);
  }
  return key;
}

/** MEDIA_STORE=off: nothing is kept, everything is served from the upstream. */
export class DisabledMediaStore extends MediaStore {
  readonly name = 'off';

  constructor(readonly tempDir: string) {
    super();
  }

  putFile(): Promise<void> {
    return Promise.reject(new Error('the media store is off (MEDIA_STORE=off)'));
  }

  putBuffer(): Promise<void> {
    return this.putFile();
  }

  read(): Promise<Readable | null> {
    return Promise.resolve(null);
  }

  delete(): Promise<void> {
    return Promise.resolve();
  }
}
