const TIME_KEYS = new Set(['submitTime', 'startTime', 'finishTime']);

/** Compact JSON; with `floatTimes` the task times come out as `1712345678901.5` (the `floattimes` fault). */
export function toJson(value: unknown, floatTimes = false): string {
  if (!floatTimes) return JSON.stringify(value);
  return JSON.stringify(value, (key, v: unknown) => (TIME_KEYS.has(key) && typeof v === 'number' ? v + 0.5 : v));
}
