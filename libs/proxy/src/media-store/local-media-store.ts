import { createReadStream, mkdirSync, open as openFile } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { type ByteRange, checkKey, MediaStore } from './media-store';
import { FileBody, READ_CHUNK } from './file-body';

const openForReading = promisify(openFile);

/** The file's object, or null when the file is not there (evicted, or deleted behind our back). */
async function unlessMissing<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

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
    return unlessMissing(async () => {
      await once(stream, 'open');
      return stream;
    });
  }

  /** The open file, sent by `sendFile` (reused buffers) rather than streamed. */
  override open(key: string, range: ByteRange): Promise<FileBody | null> {
    return unlessMissing(async () => new FileBody(await openForReading(this.path(key), 'r'), range.start, range.end));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
