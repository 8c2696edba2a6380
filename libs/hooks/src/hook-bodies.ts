/** A task row as the outbox snapshotted it, with camelCase keys (`mjId`, `imageUrls`…), as TaskStore reads tasks. */
export type HookTaskRow = Record<string, unknown>;

/**
 * What a hook's body is: the task exactly as `GET /mj/task/{id}/fetch` answers it. The relay owns that view, so it
 * provides this (wired in the API app): hooks never build a second copy of it.
 */
export abstract class HookBodies {
  abstract render(task: HookTaskRow, origin: string): object;
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** A snapshot (`to_jsonb` of the task row, snake_case) as the task the relay's view takes. */
export function taskOfSnapshot(snapshot: Record<string, unknown>): HookTaskRow {
  return Object.fromEntries(Object.entries(snapshot).map(([key, value]) => [camel(key), value]));
}
