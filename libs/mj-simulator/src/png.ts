import { randomFillSync } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes 8-bit RGB scanlines (each row prefixed by its filter byte, 0 = none) as a PNG file. */
export function encodeRgbPng(width: number, height: number, scanlines: Buffer, level = 6): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filters, no interlace
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(scanlines, { level })), chunk('IEND', Buffer.alloc(0))]);
}

/** Draws a width×height RGB image from a per-pixel colour function. */
export function renderPng(width: number, height: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const stride = width * 3 + 1;
  const rows = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    let offset = y * stride + 1;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      rows[offset++] = r;
      rows[offset++] = g;
      rows[offset++] = b;
    }
  }
  return encodeRgbPng(width, height, rows);
}

/** Fixed bytes around the image data: signature, IHDR, IDAT and IEND framing, zlib header and checksum. */
const PNG_OVERHEAD = 8 + 25 + 12 + 12 + 6;
const STORED_BLOCK = 65_535;

/** A PNG of random noise whose file size is close to `bytes` (stored deflate, so the size is predictable). */
export function noisePng(bytes: number): Buffer {
  const payload = Math.max(0, bytes - PNG_OVERHEAD);
  const raw = Math.max(4, Math.floor((payload * STORED_BLOCK) / (STORED_BLOCK + 5)));
  const width = Math.max(1, Math.min(1024, Math.floor((raw - 1) / 3)));
  const stride = width * 3 + 1;
  const height = Math.max(1, Math.round(raw / stride));
  const rows = Buffer.allocUnsafe(stride * height);
  randomFillSync(rows);
  for (let y = 0; y < height; y++) rows[y * stride] = 0;
  return encodeRgbPng(width, height, rows, 0);
}

export function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const f = (n: number): number => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}
