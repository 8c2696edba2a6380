import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  /** PGlite itself, for what only it can do (a consistent copy of its files). */
  db: PGlite;
  stop(): Promise<void>;
}

/** The embedded database's files are open in another process: PGlite has no lock of its own, two writers corrupt them. */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`The embedded database in ${dataDir} is in use by process ${pid} (a running gateway?): stop it first`);
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>.pid` for this process, unless a live process holds it; a dead holder's file is taken over. */
function lock(dir: string): () => void {
  const file = `${dir}.pid`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (holder && holder !== process.pid && alive(holder)) throw new EmbeddedDatabaseBusyError(dir, holder);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database in ${dir}`);
}

/**
 * Starts PGlite (PostgreSQL compiled to WebAssembly) in this process and serves it on a loopback port,
 * so the ORM and the migrations speak to it exactly as they speak to a PostgreSQL server.
 * It runs one transaction at a time; `maxConnections` must stay above the ORM pool size.
 * One process at a time opens a data directory (`<dir>.pid`); another gets EmbeddedDatabaseBusyError.
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
  const dir = resolve(join(dataDir, 'pglite'));
  mkdirSync(dir, { recursive: true });
  const unlock = lock(dir);
  try {
    const db = await PGlite.create(dir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
    return {
      url: `postgresql://postgres@127.0.0.1:${address.port}/postgres`,
      dataDir: dir,
      db,
      async stop() {
        await server.stop();
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
