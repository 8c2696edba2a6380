import sharp from 'sharp';
import type { SniffedType } from './content-sniff';

// libvips' operation cache holds decoded images between requests: off, so memory stays flat.
sharp.cache(false);

export interface ImagePart {
  body: Buffer;
  type: SniffedType['type'];
}

const OUTPUT: Record<string, SniffedType['type']> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Splits a 2×2 grid into its four images (1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right), in the grid's format. */
export async function splitGrid(grid: Buffer | string): Promise<ImagePart[]> {
  const image = sharp(grid, { animated: false });
  const { width, height, format } = await image.metadata();
  if (!width || !height || width < 2 || height < 2) throw new Error('the grid image is too small to split');
  const half = { width: Math.floor(width / 2), height: Math.floor(height / 2) };
  const out = format === 'jpeg' || format === 'webp' ? format : 'png';
  return Promise.all(
    [0, 1, 2, 3].map(async (quadrant) => {
      const region = { left: (quadrant % 2) * half.width, top: Math.floor(quadrant / 2) * half.height, ...half };
      const body = await sharp(grid, { animated: false }).extract(region).toFormat(out).toBuffer();
      return { body, type: OUTPUT[out] };
    }),
  );
}
