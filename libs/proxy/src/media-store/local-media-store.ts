import { createReadStream, mkdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { type ByteRange, checkKey, MediaStore } from './media-store';

/**
 * Read size per download: 256 KB (measured fastest for multi-MB files: fewer syscalls and stream callbacks than the
 * default 64 KB, without the page-fault cost of 1 MB buffers), back to 64 KB when very many downloads run at once.
 */
export function readChunkSize(openStreams: number): number {
  return openStreams < 128 ? 256 * 1024 : 64 * 1024;
}

/** Files under DATA_DIR/media; writes land in a temp file first and are renamed into place (never half a file). */
export class LocalMediaStore extends MediaStore {
  readonly name = 'local';
  readonly tempDir: string;
  private openStreams = 0;

  constructor(private readonly root: string) {
    super();
    this.tempDir = join(root, '.tmp');
    mkdirSync(this.tempDir, { recursive: true });
  }

  private path(key: string): string {
    return join(this.root, checkKey(key));
  }

  async putFile(key: string, file: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    await rename(file, target);
  }

  async putBuffer(key: string, body: Buffer): Promise<void> {
    const temp = join(this.tempDir, `put-${randomBytes(8).toString('hex')}`);
    await writeFile(temp, body);
    try {
      await this.putFile(key, temp);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** A plain fs stream (callback reads: much cheaper per chunk than FileHandle's promises), once the file is open. */
  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    const highWaterMark = readChunkSize(this.openStreams);
    const stream = createReadStream(this.path(key), { start: range?.start, end: range?.end, highWaterMark });
    try {
      await once(stream, 'open');
      this.openStreams += 1;
      stream.once('close', () => (this.openStreams -= 1));
      return stream;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
