import type { NextFunction, Request, Response } from 'express';
import type { SpeedMode } from './submit-plan';

const PREFIX = /^\/mj-(fast|relax|turbo)(\/mj\/.*)$/;

/**
 * `/mj-fast/mj/...`, `/mj-relax/mj/...` and `/mj-turbo/mj/...` are the relay's routes with a forced speed mode:
 * the prefix is taken off before routing and kept on the request.
 */
export function speedModePrefix(req: Request & { speedMode?: SpeedMode }, _res: Response, next: NextFunction): void {
  const match = PREFIX.exec(req.url);
  if (match) {
    req.speedMode = match[1] as SpeedMode;
    req.url = match[2];
  }
  next();
}
