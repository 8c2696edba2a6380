import sharp from 'sharp';

export const THUMBNAIL_MIN_WIDTH = 16;
export const THUMBNAIL_MAX_WIDTH = 1024;

/** A WebP of the image at most `width` pixels wide (never enlarged), for lists and galleries. */
export function makeThumbnail(image: Buffer, width: number): Promise<Buffer> {
  return sharp(image, { animated: false }).rotate().resize({ width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
}
