export type MediaKind = 'image' | 'video';

export interface SniffedType {
  type: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'video/mp4' | 'video/webm';
  kind: MediaKind;
}

/** Bytes needed to recognise every allowed type. */
export const SNIFF_BYTES = 16;

// ISO-BMFF brands that are images or QuickTime, not MP4 video.
const NOT_MP4_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'hevc', 'mif1', 'msf1', 'qt  ', 'crx ']);

const startsWith = (head: Buffer, bytes: number[], at = 0) => bytes.every((byte, i) => head[at + i] === byte);
const ascii = (head: Buffer, from: number, to: number) => head.subarray(from, to).toString('latin1');

/** The media type of a file by its magic number, or null when it is none of the types we serve. */
export function sniffMedia(head: Buffer): SniffedType | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { type: 'image/png', kind: 'image' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { type: 'image/jpeg', kind: 'image' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { type: 'image/gif', kind: 'image' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { type: 'image/webp', kind: 'image' };
  if (ascii(head, 4, 8) === 'ftyp' && head.length >= 12 && !NOT_MP4_BRANDS.has(ascii(head, 8, 12)))
    return { type: 'video/mp4', kind: 'video' };
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return { type: 'video/webm', kind: 'video' };
  return null;
}

/** An upstream Content-Type, made safe to quote in a message. */
export function describeContentType(header: string | string[] | undefined): string {
  const value = (Array.isArray(header) ? header[0] : header)?.split(';')[0].trim().toLowerCase() ?? '';
  return /^[\w.+-]{1,40}\/[\w.+-]{1,60}$/.test(value) ? value : 'an unrecognised file';
}
