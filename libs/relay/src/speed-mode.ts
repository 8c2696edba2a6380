import type { IncomingMessage } from 'node:http';
import type { SpeedMode } from './submit-plan';

const PREFIX = /^\/mj-(fast|relax|turbo)(\/mj\/.*)$/;

export type SpeedModeRequest = IncomingMessage & { speedMode?: SpeedMode };

/**
 * `/mj-fast/mj/...`, `/mj-relax/mj/...` and `/mj-turbo/mj/...` are the relay's routes with a forced speed mode:
 * the HTTP server's `rewriteUrl` takes the prefix off before routing; the mode stays on the raw request.
 */
export function speedModeRewrite(req: SpeedModeRequest): string {
  const url = req.url ?? '/';
  const match = PREFIX.exec(url);
  if (!match) return url;
  req.speedMode = match[1] as SpeedMode;
  return match[2];
}

const FLAG = /(^|\s)--(fast|relax|turbo)\b/;

/** A task's speed mode: the route's prefix, else a `--fast/--relax/--turbo` flag in its prompt, else the default. */
export function taskMode(prefix: SpeedMode | undefined, prompt: string, fallback: SpeedMode): SpeedMode {
  return prefix ?? (FLAG.exec(prompt)?.[2] as SpeedMode | undefined) ?? fallback;
}
