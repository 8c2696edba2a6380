import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { type AuthUser, DomainError, NotFoundError, RateLimiter } from '@app/core';
import { proxyConfig } from './config/proxy.config';
import type { MediaKind } from './content-sniff';
import { type ImagePart, splitGrid } from './grid-splitter';
import { MediaForbiddenError, UpstreamMediaError } from './media.errors';
import { type MediaTask, MediaRepository, type ServingRow, type StoredObject } from './media.repository';
import { MediaStore } from './media-store/media-store';
import { FileBody, sendFile } from './media-store/file-body';
import { ByteWindow, etagOf, parseRange, readAll } from './media-streams';
import { MediaUrls, singleImageCount } from './media-urls.service';
import { discard, SafeFetcher, type UpstreamMedia } from './safe-fetcher';
import { ServingCache } from './serving-cache';
import { makeThumbnail, thumbnailWidth } from './thumbnails';
import { MediaStoreBudget } from './media-budget';

/** One media request, as the controller read it. `n` 0 is the main image or video; 1… a single image or a video of the list. */
export interface MediaRequest {
  kind: MediaKind;
  mjId: string;
  n: number;
  exp?: number;
  sig?: string;
  /** Thumbnail width. */
  w?: number;
  range?: string;
  ifNoneMatch?: string;
}

class RangeNotSatisfiableError extends DomainError {
  constructor(size: number) {
    super(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, `The requested range is outside the file (${size} bytes)`);
  }
}

/** The upstream URL of a task's image or video `n`, or '' when the upstream never gave one. */
export function upstreamUrl(task: MediaTask, kind: MediaKind, n: number): string {
  if (kind === 'video') return (n === 0 ? task.videoUrl || task.videoUrls[0] : task.videoUrls[n - 1]) ?? '';
  return (n === 0 ? task.imageUrl : task.imageUrls[n - 1]) ?? '';
}

const describe = (kind: MediaKind, n: number) => (n === 0 ? `${kind === 'image' ? 'an' : 'a'} ${kind}` : `${kind} ${n}`);

function sameEtag(header: string | undefined, etag: string): boolean {
  return !!header && header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
}

/** Media answers are written on the raw response (streams, ranges); Fastify is told it no longer owns the reply. */
function notModified(reply: FastifyReply): void {
  reply.hijack();
  reply.raw.statusCode = HttpStatus.NOT_MODIFIED;
  reply.raw.end();
}

function partial(res: ServerResponse, contentRange: string): void {
  res.statusCode = HttpStatus.PARTIAL_CONTENT;
  res.setHeader('Content-Range', contentRange);
}

/**
 * Serves a task's images and videos to whoever may see them: from the media store when the result was copied there,
 * else streamed from the upstream through the SSRF-safe fetcher. Bytes are piped with backpressure, never buffered,
 * except for the small images that are resized or split.
 */
@Injectable()
export class MediaService {
  private readonly logger = new Logger('Media');
  private readonly cache = new ServingCache();

  constructor(
    private readonly repository: MediaRepository,
    private readonly urls: MediaUrls,
    private readonly fetcher: SafeFetcher,
    private readonly store: MediaStore,
    private readonly budget: MediaStoreBudget,
    private readonly limiter: RateLimiter,
    @Inject(proxyConfig.KEY) private readonly config: ConfigType<typeof proxyConfig>,
  ) {}

  async send(asked: MediaRequest, viewer: AuthUser | undefined, reply: FastifyReply): Promise<void> {
    // Any width is answered with the next of the few made, so one image has a bounded number of thumbnails.
    const request = asked.w ? { ...asked, w: thumbnailWidth(asked.w) } : asked;
    const variant = request.w ? `w${request.w}` : '';
    const key = `${request.mjId}\n${request.kind}\n${request.n}\n${variant}`;
    const rows =
      this.cache.get(key) ?? this.cache.set(key, await this.repository.findForServing(request.mjId, request.kind, request.n, variant));
    const task = this.authorize(rows, request, viewer);
    const cacheControl = this.cacheControl(task, request);
    if (task.object) {
      if (await this.sendStored(task.object, request, cacheControl, reply)) return;
      this.cache.delete(key);
    }
    if (request.w) return this.sendThumbnail(task, request, cacheControl, reply, viewer);
    const url = upstreamUrl(task, request.kind, request.n);
    if (url) return this.sendUpstream(url, request, cacheControl, reply);
    if (request.kind === 'video' || request.n === 0) throw new NotFoundError(`This task has no ${describe(request.kind, request.n)}`);
    const single = await this.quarter(task, request.n);
    this.sendBuffer(reply, single.body, single.type, cacheControl, request);
  }

  /**
   * A valid signature (expiring, or durable and not revoked) for one of the tasks with this id, or the owner's or an
   * admin's credentials; else the one 403.
   */
  private authorize(rows: ServingRow[], request: MediaRequest, viewer: AuthUser | undefined): ServingRow {
    const now = Date.now();
    const { sig, exp } = request;
    if (sig) {
      const signed = rows.find((row) =>
        exp === undefined
          ? this.urls.signature.verifyDurable(row.id, row.mjId, row.linkEpoch, sig)
          : this.urls.signature.verify(row.id, row.mjId, exp, sig, now),
      );
      if (signed) return signed;
    }
    if (viewer) {
      const visible = viewer.role === 'admin' ? rows[0] : rows.find((row) => row.userId === viewer.id);
      if (visible) return visible;
    }
    throw new MediaForbiddenError();
  }

  /**
   * Final results never change: cached privately until the link expires (a durable link: for MEDIA_URL_TTL_S, so a
   * revocation reaches browsers within that). Previews change: never cached.
   */
  private cacheControl(task: MediaTask, request: MediaRequest): string {
    if (task.status !== 'SUCCESS') return 'no-store';
    const ttl = this.config.urlTtlSeconds;
    const maxAge =
      request.exp !== undefined ? Math.max(0, Math.min(ttl, request.exp - Math.floor(Date.now() / 1000))) : Math.min(ttl, 3600);
    return `private, max-age=${maxAge}, immutable`;
  }

  private headers(res: ServerResponse, type: string, cacheControl: string, etag?: string): void {
    res.setHeader('Content-Type', type);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    // Signed links are made to work in <img> tags on other sites (API clients' pages).
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', cacheControl);
    if (etag) res.setHeader('ETag', etag);
  }

  /** False when the object vanished from the store (evicted meanwhile): the caller falls back to the upstream. */
  private async sendStored(object: StoredObject, request: MediaRequest, cacheControl: string, reply: FastifyReply): Promise<boolean> {
    const res = reply.raw;
    const etag = `"${object.etag}"`;
    if (sameEtag(request.ifNoneMatch, etag)) {
      this.headers(res, object.contentType, cacheControl, etag);
      notModified(reply);
      return true;
    }
    const range = parseRange(request.range, object.size);
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${object.size}`);
      throw new RangeNotSatisfiableError(object.size);
    }
    const body = await this.store.open(object.key, range ?? { start: 0, end: object.size - 1 });
    if (!body) return false;
    this.headers(res, object.contentType, cacheControl, etag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Length', range ? range.end - range.start + 1 : object.size);
    if (range) partial(res, `bytes ${range.start}-${range.end}/${object.size}`);
    this.pipe(body, reply);
    return true;
  }

  private async sendUpstream(url: string, request: MediaRequest, cacheControl: string, reply: FastifyReply): Promise<void> {
    const res = reply.raw;
    const gone = new AbortController();
    const leave = () => gone.abort();
    res.once('close', leave);
    let media: UpstreamMedia;
    try {
      media = await this.fetcher.open(url, request.kind, gone.signal);
    } catch (error) {
      if (gone.signal.aborted) return; // the client left: nobody to answer
      throw error;
    } finally {
      // From here `pipe` drops the body when the client leaves; aborting at every response's end would cost an
      // AbortError (a DOMException with its stack) per image served.
      res.off('close', leave);
    }
    // Ranges are cut from the whole file here: the first bytes must be seen to know what the file is.
    const range = request.kind === 'video' && media.length !== null ? parseRange(request.range, media.length) : null;
    if (range === 'unsatisfiable') {
      discard(media.body);
      res.setHeader('Content-Range', `bytes */${media.length}`);
      throw new RangeNotSatisfiableError(media.length!);
    }
    // Informational only (answering If-None-Match would need the upstream anyway): the URL with what it says of the file.
    this.headers(res, media.type, cacheControl, `W/"${etagOf(Buffer.from(`${url}\n${media.etag ?? ''}\n${media.length ?? ''}`))}"`);
    if (request.kind === 'video' && media.length !== null) res.setHeader('Accept-Ranges', 'bytes');
    if (range) {
      partial(res, `bytes ${range.start}-${range.end}/${media.length}`);
      res.setHeader('Content-Length', range.end - range.start + 1);
      this.pipe(media.body, reply, new ByteWindow(range));
      return;
    }
    if (media.length !== null) res.setHeader('Content-Length', media.length);
    this.pipe(media.body, reply);
  }

  /**
   * Streams with backpressure; a failure after the headers went out can only cut the connection. A HEAD request gets
   * the headers alone: the source is dropped unread (a video's upstream is not downloaded to answer it).
   */
  private pipe(source: Readable | FileBody, reply: FastifyReply, window?: ByteWindow): void {
    reply.hijack();
    const res = reply.raw;
    const failed = (error: Error) => {
      if (res.writableEnded || res.destroyed) return;
      this.logger.warn(`media stream failed after the headers were sent: ${error.message}`);
      res.destroy(error);
    };
    const drop = () => (source instanceof FileBody ? source.close() : discard(source));
    if (reply.request.method === 'HEAD') {
      drop();
      res.end();
      return;
    }
    if (res.destroyed) {
      drop();
      return;
    }
    if (source instanceof FileBody) {
      sendFile(source, res, failed);
      return;
    }
    source.on('error', failed);
    res.once('close', () => source.destroy());
    if (!window) {
      source.pipe(res);
      return;
    }
    source.pipe(window).pipe(res);
    window.once('end', () => source.destroy());
  }

  private sendBuffer(reply: FastifyReply, body: Buffer, type: string, cacheControl: string, request: MediaRequest): void {
    const res = reply.raw;
    const etag = `"${etagOf(body)}"`;
    this.headers(res, type, cacheControl, etag);
    if (sameEtag(request.ifNoneMatch, etag)) {
      notModified(reply);
      return;
    }
    res.setHeader('Content-Length', body.length);
    reply.hijack();
    res.end(body);
  }

  /** Resizing costs CPU (and storing it, space): limited per user, the viewer's or else the task owner's. */
  private async sendThumbnail(
    task: MediaTask,
    request: MediaRequest,
    cacheControl: string,
    reply: FastifyReply,
    viewer?: AuthUser,
  ): Promise<void> {
    const limitKey = `thumbnail:user:${viewer?.id ?? task.userId}`;
    await this.limiter.consume({ key: limitKey, limit: this.config.thumbnailRateLimit, message: 'Too many thumbnails made for this user' });
    const source = await this.imageBytes(task, request.n);
    const body = await makeThumbnail(source, request.w!).catch(() => {
      throw new UpstreamMediaError('The image could not be decoded to make a thumbnail', false);
    });
    if (task.status === 'SUCCESS' && this.store.name !== 'off') {
      const key = `tasks/${task.id}/image-${request.n}-w${request.w}.webp`;
      const record = {
        taskId: task.id,
        kind: 'image' as const,
        n: request.n,
        variant: `w${request.w}`,
        key,
        contentType: 'image/webp',
        size: body.length,
        etag: etagOf(body),
      };
      this.store
        .putBuffer(key, body, record.contentType)
        .then(() => this.repository.saveObject(record))
        .then(() => this.cache.delete(`${task.mjId}\nimage\n${request.n}\n${record.variant}`))
        .then(() => this.budget.enforce())
        .catch((error: Error) => this.logger.warn(`could not keep the thumbnail of task ${task.id}: ${error.message}`));
    }
    this.sendBuffer(reply, body, 'image/webp', cacheControl, request);
  }

  /** A whole image in memory (for resizing): from the store when copied, else from the upstream, else a quarter of the grid. */
  private async imageBytes(task: MediaTask, n: number): Promise<Buffer> {
    const stored = await this.repository.findObject(task.id, 'image', n);
    const kept = stored ? await this.store.read(stored.key) : null;
    if (kept) return readAll(kept, this.config.maxBytes);
    const url = upstreamUrl(task, 'image', n);
    if (!url) {
      if (n === 0) throw new NotFoundError('This task has no image');
      return (await this.quarter(task, n)).body;
    }
    const media = await this.fetcher.open(url, 'image');
    return readAll(media.body, this.config.maxBytes).catch((error: unknown) => {
      throw this.fetcher.describe(error);
    });
  }

  /** Single image `n` cut from the task's grid, when the task offers singles but none is stored or upstream. */
  private async quarter(task: MediaTask, n: number): Promise<ImagePart> {
    if (n > singleImageCount(task)) throw new NotFoundError(`This task has no ${describe('image', n)}`);
    const grid = await this.imageBytes(task, 0);
    const parts = await splitGrid(grid).catch(() => {
      throw new UpstreamMediaError('The grid image could not be decoded to split it', false);
    });
    return parts[n - 1];
  }
}
