import { channelOrder } from './channel-order';

describe('channelOrder', () => {
  const channels = [
    { id: 1, priority: 0, weight: 1 },
    { id: 2, priority: 10, weight: 1 },
    { id: 3, priority: 10, weight: 3 },
    { id: 4, priority: -5, weight: 100 },
  ];

  it('tries higher priorities first, whatever the weights', () => {
    for (let i = 0; i < 50; i++) {
      const ids = channelOrder(channels).map((c) => c.id);
      expect(ids.slice(2)).toEqual([1, 4]);
      expect(ids.slice(0, 2).sort()).toEqual([2, 3]);
    }
  });

  it('splits first picks by weight within a priority', () => {
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const firsts = { 2: 0, 3: 0 } as Record<number, number>;
    for (let i = 0; i < 4000; i++) firsts[channelOrder(channels, random)[0].id] += 1;
    expect(firsts[3] / 4000).toBeGreaterThan(0.7);
    expect(firsts[3] / 4000).toBeLessThan(0.8);
  });
});
