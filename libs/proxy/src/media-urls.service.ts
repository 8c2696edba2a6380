import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { PublicUrl, Secrets } from '@app/core';
import { proxyConfig } from './config/proxy.config';
import { MediaSignature } from './media-signature';

/** A task as far as its media links go; both the dashboard rows and the relay's entities map onto it. */
export interface MediaSubject {
  /** Row id: links are bound to it. */
  id: number;
  mjId: string;
  status: string;
  action: string;
  progress: string;
  imageUrl: string;
  /** The upstream's single images (v7); unknown when absent. */
  imageUrls?: string[];
  videoUrl: string;
  videoUrls: string[];
  /** Durable links are signed over it (see MediaTask); a subject without one gets expiring links. */
  linkEpoch?: number | null;
}

/** Who the links are for: the console gets expiring links; API clients durable ones unless MEDIA_CLIENT_LINKS says otherwise. */
export type LinkAudience = 'console' | 'client';

/** The links a task's answer carries; empty strings and lists where it has nothing. */
export interface MediaLinks {
  imageUrl: string;
  imageUrls: string[];
  videoUrl: string;
  videoUrls: string[];
}

/** Actions whose result is a 2×2 grid that we split into four single images. */
export const GRID_ACTIONS = new Set([
  'IMAGINE',
  'VARIATION',
  'REROLL',
  'BLEND',
  'HIGH_VARIATION',
  'LOW_VARIATION',
  'ZOOM',
  'CUSTOM_ZOOM',
  'PAN',
  'INPAINT',
  'OUTPAINT',
]);

/** Images an upload (upload-discord-images) may hold, each served as `/mj/image/<id>/<n>`. */
export const MAX_UPLOAD_IMAGES = 16;

/**
 * How many single images (`/mj/image/<id>/<n>`) a task offers: an upload's images, the upstream's own singles, else
 * the quarters of its grid.
 */
export function singleImageCount(task: Pick<MediaSubject, 'status' | 'action' | 'imageUrl' | 'imageUrls'>): number {
  if (task.status !== 'SUCCESS') return 0;
  if (task.imageUrls?.length) return Math.min(task.action === 'UPLOAD' ? MAX_UPLOAD_IMAGES : 4, task.imageUrls.length);
  return task.imageUrl && GRID_ACTIONS.has(task.action) ? 4 : 0;
}

/** Changes whenever a preview does (status, progress or upstream URL): a cache-busting `v` for running tasks. */
function previewVersion(task: MediaSubject): string {
  const text = `${task.status}|${task.progress}|${task.imageUrl}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/**
 * Builds the gateway's media links (`<base>/mj/image/<mj_id>?exp=…&sig=…`, or `?sig=…` for durable ones) and checks
 * their signatures.
 */
@Injectable()
export class MediaUrls {
  readonly signature: MediaSignature;

  constructor(
    @Inject(proxyConfig.KEY) private readonly config: ConfigType<typeof proxyConfig>,
    secrets: Secrets,
    private readonly publicUrl: PublicUrl,
  ) {
    this.signature = new MediaSignature(secrets.keyFor('media-link'), config.urlTtlSeconds);
  }

  /** Where links point: PUBLIC_URL, else the origin the caller reached us at. */
  base(requestOrigin: string): string {
    return this.publicUrl.base(requestOrigin);
  }

  links(task: MediaSubject, base: string, audience: LinkAudience = 'console', nowMs = Date.now()): MediaLinks {
    if (!this.config.forward) {
      return { imageUrl: task.imageUrl, imageUrls: task.imageUrls ?? [], videoUrl: task.videoUrl, videoUrls: task.videoUrls };
    }
    const singles = task.imageUrl || task.imageUrls?.length ? singleImageCount(task) : 0;
    if (!task.mjId || (!task.imageUrl && !singles && !task.videoUrl && !task.videoUrls.length)) {
      return { imageUrl: '', imageUrls: [], videoUrl: '', videoUrls: [] };
    }
    const query = this.query(task, audience, nowMs);
    const fresh = task.status === 'SUCCESS' ? '' : `&v=${previewVersion(task)}`;
    const image = `${base}/mj/image/${encodeURIComponent(task.mjId)}`;
    const video = `${base}/mj/video/${encodeURIComponent(task.mjId)}`;
    return {
      imageUrl: task.imageUrl ? `${image}${query}${fresh}` : '',
      imageUrls: Array.from({ length: singles }, (_, i) => `${image}/${i + 1}${query}`),
      videoUrl: task.videoUrl ? `${video}${query}${fresh}` : '',
      videoUrls: task.videoUrls.map((_, i) => `${video}/${i + 1}${query}${fresh}`),
    };
  }

  /** `?sig=…` (durable: no expiry) for API clients, `?exp=…&sig=…` for the console. */
  private query(task: MediaSubject, audience: LinkAudience, nowMs: number): string {
    const epoch = task.linkEpoch;
    if (audience === 'client' && this.config.clientLinks === 'durable' && epoch !== undefined && epoch !== null) {
      return `?sig=${this.signature.signDurable(task.id, task.mjId, epoch)}`;
    }
    const exp = this.signature.expiry(nowMs);
    return `?exp=${exp}&sig=${this.signature.sign(task.id, task.mjId, exp)}`;
  }
}
