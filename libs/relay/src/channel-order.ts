export interface Weighted {
  id: number;
  priority: number;
  weight: number;
}

/**
 * The order in which to try channels: by priority, highest first; within one priority a weighted random order,
 * so traffic splits by weight and a failing channel's share falls over to its peers first.
 */
export function channelOrder<T extends Weighted>(channels: T[], random: () => number = Math.random): T[] {
  const byPriority = new Map<number, T[]>();
  for (const channel of channels) byPriority.set(channel.priority, [...(byPriority.get(channel.priority) ?? []), channel]);
  const ordered: T[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => b - a)) {
    const pool = [...byPriority.get(priority)!];
    while (pool.length) {
      const total = pool.reduce((sum, c) => sum + Math.max(1, c.weight), 0);
      let ticket = random() * total;
      const index = pool.findIndex((c) => (ticket -= Math.max(1, c.weight)) < 0);
      ordered.push(pool.splice(index === -1 ? pool.length - 1 : index, 1)[0]);
    }
  }
  return ordered;
}
