import type { ServingRow } from './media.repository';
import { ServingCache } from './serving-cache';

const row = (fields: Partial<ServingRow> = {}): ServingRow => ({
  id: 1,
  userId: 2,
  mjId: '1',
  status: 'SUCCESS',
  action: 'IMAGINE',
  progress: '100%',
  imageUrl: 'u',
  imageUrls: [],
  videoUrl: '',
  videoUrls: [],
  linkEpoch: 0,
  copying: false,
  object: { key: 'tasks/1/image-0.png', contentType: 'image/png', size: 1, etag: 'e' },
  ...fields,
});

describe('ServingCache', () => {
  it('keeps finished, stored lookups for a while', () => {
    const cache = new ServingCache(1000);
    const rows = [row()];
    expect(cache.set('k', rows, 0)).toBe(rows);
    expect(cache.get('k', 999)).toBe(rows);
    expect(cache.get('k', 1000)).toBeUndefined();
  });

  it('never keeps what may still change: previews, results being copied, unknown ids', () => {
    const cache = new ServingCache();
    for (const rows of [[row({ status: 'IN_PROGRESS' })], [row({ object: null, copying: true })], []]) {
      cache.set('k', rows);
      expect(cache.get('k')).toBeUndefined();
    }
    cache.set('k', [row({ object: null })]); // served from the upstream for good (the copy failed, or the store is off)
    expect(cache.get('k')).toHaveLength(1);
  });

  it('forgets on request and stays bounded', () => {
    const cache = new ServingCache(1000, 2);
    ['a', 'b', 'c'].forEach((key) => cache.set(key, [row()], 0));
    expect(cache.get('a', 1)).toBeUndefined();
    cache.delete('b');
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toHaveLength(1);
  });
});
