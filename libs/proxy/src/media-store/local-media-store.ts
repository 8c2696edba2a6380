import { createReadStream, mkdirSync, open as openFile } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { type ByteRange, checkKey, MediaStore } from './media-store';
import { FileBody } from './file-body';

const openForReading = promisify(openFile);

/**
 * Read size of `read` (a stream: thumbnails and other whole-file reads; downloads go through `open` and `sendFile`):
 * 64 KB, Node's default. Every read of a file stream is a fresh buffer outside the heap; larger ones (128, 256 KB) made
 * the gateway collect garbage so often that after a few thousand images each cost three times the CPU.
 */
const READ_CHUNK = 64 * 1024;

/** Files under DATA_DIR/media; writes land in a temp file first and are renamed into place (never half a file). */
export class LocalMediaStore extends MediaStore {
  readonly name = 'local';
  readonly tempDir: string;

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
    const stream = createReadStream(this.path(key), { start: range?.start, end: range?.end, highWaterMark: READ_CHUNK });
    try {
      await once(stream, 'open');
      return stream;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** The open file, sent by `sendFile` (reused buffers) rather than streamed. */
  override async open(key: string, range: ByteRange): Promise<FileBody | null> {
    try {
      return new FileBody(await openForReading(this.path(key), 'r'), range.start, range.end);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
