import sharp from 'sharp';

export const THUMBNAIL_MIN_WIDTH = 16;
export const THUMBNAIL_MAX_WIDTH = 1024;
/** The only widths made and stored: an image has at most this many thumbnails, whatever widths are asked for. */
export const THUMBNAIL_WIDTHS = [128, 256, 512, 1024] as const;

/** The width actually made for a requested one: the next of THUMBNAIL_WIDTHS at or above it. */
export function thumbnailWidth(requested: number): number {
  return THUMBNAIL_WIDTHS.find((width) => width >= requested) ?? THUMBNAIL_MAX_WIDTH;
}

/** A WebP of the image at most `width` pixels wide (never enlarged), for lists and galleries. */
export function makeThumbnail(image: Buffer, width: number): Promise<Buffer> {
  return sharp(image, { animated: false }).rotate().resize({ width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
}
