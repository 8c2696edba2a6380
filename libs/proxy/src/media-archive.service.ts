import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { proxyConfig } from './config/proxy.config';
import type { MediaKind, SniffedType } from './content-sniff';
import { splitGrid } from './grid-splitter';
import { UpstreamMediaError, UpstreamMediaGoneError } from './media.errors';
import { type CopyClaim, type MediaTask, MediaRepository, type ObjectRecord } from './media.repository';
import { MediaStore } from './media-store/media-store';
import { MediaStoreBudget } from './media-budget';
import { etagOf, Fingerprint } from './media-streams';
import { GRID_ACTIONS, MAX_UPLOAD_IMAGES } from './media-urls.service';
import { SafeFetcher } from './safe-fetcher';

const EXTENSIONS: Record<SniffedType['type'], string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
};

interface Download {
  file: string;
  type: SniffedType['type'];
  size: number;
  etag: string;
}

/** What a finished task keeps: its image, the upstream's single images, its videos. */
function copyPlan(task: MediaTask): { kind: MediaKind; n: number; url: string }[] {
  const plan: { kind: MediaKind; n: number; url: string }[] = [];
  if (task.imageUrl) plan.push({ kind: 'image', n: 0, url: task.imageUrl });
  task.imageUrls
    .slice(0, task.action === 'UPLOAD' ? MAX_UPLOAD_IMAGES : 4)
    .forEach((url, i) => url && plan.push({ kind: 'image', n: i + 1, url }));
  if (task.videoUrl) plan.push({ kind: 'video', n: 0, url: task.videoUrl });
  task.videoUrls.forEach((url, i) => url && plan.push({ kind: 'video', n: i + 1, url }));
  return plan;
}

/**
 * Copies finished results into the media store, so they outlive the upstream's links. Work comes from the
 * `media_archive` queue (filled by a trigger on the move to SUCCESS); a claim moves the row's next attempt past a
 * lease, so several instances never copy the same task at once. Failures are retried with backoff; the upstream
 * path keeps serving meanwhile.
 */
@Injectable()
export class MediaArchiveService {
  private readonly logger = new Logger('MediaArchive');
  private readonly running = new Map<number, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly leaseMs: number;

  constructor(
    private readonly repository: MediaRepository,
    private readonly fetcher: SafeFetcher,
    private readonly store: MediaStore,
    private readonly budget: MediaStoreBudget,
    @Inject(proxyConfig.KEY) private readonly config: ConfigType<typeof proxyConfig>,
  ) {
    this.leaseMs = Math.max(600_000, config.totalTimeoutMs * 8);
  }

  /** One pass: claims as many due copies as there are free slots and waits for them. */
  async sweep(): Promise<number> {
    const free = this.config.archive.concurrency - this.running.size;
    if (free <= 0 || this.stopping.signal.aborted) return 0;
    const claimed = await this.repository.claim(free, this.leaseMs, Date.now());
    await Promise.all(claimed.map((claim) => this.start(claim)));
    return claimed.length;
  }

  /** A task just finished: copy it now if a slot is free (the sweep takes it otherwise). */
  async copyNow(taskId: number): Promise<void> {
    if (this.running.size >= this.config.archive.concurrency || this.running.has(taskId) || this.stopping.signal.aborted) return;
    const [claim] = await this.repository.claim(1, this.leaseMs, Date.now(), taskId);
    if (claim) await this.start(claim);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.running.values());
  }

  private start(claim: CopyClaim): Promise<void> {
    const run = this.run(claim).finally(() => this.running.delete(claim.taskId));
    this.running.set(claim.taskId, run);
    return run;
  }

  private async run(claim: CopyClaim): Promise<void> {
    const { taskId, attempts } = claim;
    try {
      const objects = await this.copy(taskId);
      await this.repository.endCopy(claim, { state: 'done' });
      this.logger.log(`task ${taskId}: ${objects} object(s) stored`);
      await this.budget.enforce();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.stopping.signal.aborted) {
        await this.repository.endCopy(claim, { retryAt: Date.now() }, 'interrupted by shutdown').catch(() => undefined);
        return;
      }
      const permanent = error instanceof UpstreamMediaGoneError || (error instanceof UpstreamMediaError && !error.retryable);
      if (permanent || attempts >= this.config.archive.attempts) {
        this.logger.warn(`task ${taskId}: giving up copying its result after ${attempts} attempt(s): ${message}`);
        await this.repository.endCopy(claim, { state: 'failed' }, message);
      } else {
        const delay = Math.min(3_600_000, 5000 * 3 ** (attempts - 1));
        this.logger.warn(`task ${taskId}: copy failed (attempt ${attempts}), retrying in ${Math.round(delay / 1000)} s: ${message}`);
        await this.repository.endCopy(claim, { retryAt: Date.now() + delay }, message);
      }
    }
  }

  /** Stores every file of the task; a grid without upstream singles is split into four. Returns the objects stored. */
  private async copy(taskId: number): Promise<number> {
    const task = await this.repository.findTask(taskId);
    if (!task || task.status !== 'SUCCESS') return 0;
    const byUrl = new Map<string, ObjectRecord>();
    const temps: string[] = [];
    try {
      for (const item of copyPlan(task)) {
        const known = byUrl.get(item.url);
        if (known) {
          // The same file listed twice (videoUrl and videoUrls[0]): one copy, two index rows.
          await this.repository.saveObject({ ...known, kind: item.kind, n: item.n });
          continue;
        }
        const download = await this.download(item.url, item.kind);
        temps.push(download.file);
        if (item.kind === 'image' && item.n === 0 && !task.imageUrls.length && GRID_ACTIONS.has(task.action)) {
          await this.storeQuarters(task, download.file);
        }
        const key = `tasks/${task.id}/${item.kind}-${item.n}.${EXTENSIONS[download.type]}`;
        await this.store.putFile(key, download.file, download.type, download.size);
        const record: ObjectRecord = {
          taskId: task.id,
          kind: item.kind,
          n: item.n,
          variant: '',
          key,
          contentType: download.type,
          size: download.size,
          etag: download.etag,
        };
        await this.repository.saveObject(record);
        byUrl.set(item.url, record);
      }
    } finally {
      await Promise.all(temps.map((file) => rm(file, { force: true })));
    }
    return byUrl.size;
  }

  private async storeQuarters(task: MediaTask, grid: string): Promise<void> {
    const parts = await splitGrid(grid).catch(() => {
      throw new UpstreamMediaError('The grid image could not be decoded to split it', false);
    });
    for (const [i, part] of parts.entries()) {
      const key = `tasks/${task.id}/image-${i + 1}.${EXTENSIONS[part.type]}`;
      await this.store.putBuffer(key, part.body, part.type);
      await this.repository.saveObject({
        taskId: task.id,
        kind: 'image',
        n: i + 1,
        variant: '',
        key,
        contentType: part.type,
        size: part.body.length,
        etag: etagOf(part.body),
      });
    }
  }

  /** Streams the upstream file to a local temp file, measuring and hashing it on the way. */
  private async download(url: string, kind: MediaKind): Promise<Download> {
    const media = await this.fetcher.open(url, kind, this.stopping.signal);
    const file = join(this.store.tempDir, `copy-${randomBytes(8).toString('hex')}`);
    const fingerprint = new Fingerprint();
    try {
      await pipeline(media.body, fingerprint, createWriteStream(file));
    } catch (error) {
      await rm(file, { force: true });
      throw this.fetcher.describe(error, undefined, this.stopping.signal);
    }
    return { file, type: media.type, size: fingerprint.size, etag: fingerprint.etag() };
  }
}
