import sharp from 'sharp';
import { splitGrid } from './grid-splitter';
import { makeThumbnail } from './thumbnails';

const COLOURS = [
  { r: 255, g: 0, b: 0 },
  { r: 0, g: 255, b: 0 },
  { r: 0, g: 0, b: 255 },
  { r: 255, g: 255, b: 0 },
];

/** A 2×2 grid of flat colours: top-left red, top-right green, bottom-left blue, bottom-right yellow. */
async function grid(width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const half = { width: width / 2, height: height / 2 };
  const tiles = await Promise.all(
    COLOURS.map((background) =>
      sharp({ create: { ...half, channels: 3, background } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite(tiles.map((input, i) => ({ input, left: (i % 2) * half.width, top: Math.floor(i / 2) * half.height })))
    .toFormat(format)
    .toBuffer();
}

describe('splitGrid', () => {
  it.each(['png', 'jpeg'] as const)('cuts a %s grid into its four images, in reading order, in the same format', async (format) => {
    const parts = await splitGrid(await grid(64, 48, format));
    expect(parts).toHaveLength(4);
    for (const [i, part] of parts.entries()) {
      expect(part.type).toBe(`image/${format}`);
      const meta = await sharp(part.body).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, 32, 24]);
      const { channels } = await sharp(part.body).stats();
      const mean = channels.slice(0, 3).map((c) => Math.round(c.mean / 255) * 255);
      expect(mean).toEqual([COLOURS[i].r, COLOURS[i].g, COLOURS[i].b]);
    }
  });

  it('refuses what is not an image', async () => {
    await expect(splitGrid(Buffer.from('<html>'))).rejects.toThrow();
  });
});

describe('makeThumbnail', () => {
  it('answers a WebP at most that wide, never enlarged', async () => {
    const image = await grid(200, 100, 'png');
    expect(await sharp(await makeThumbnail(image, 50)).metadata()).toMatchObject({ format: 'webp', width: 50, height: 25 });
    expect(await sharp(await makeThumbnail(image, 1000)).metadata()).toMatchObject({ width: 200 });
  });
});
