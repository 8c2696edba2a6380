import { EntityManager, MikroORM, RequestContext } from '@mikro-orm/core';
import type { AsyncLocalStorage } from 'node:async_hooks';

// The store RequestContext.create() runs in (private in MikroORM's typings; the version is pinned exactly).
const contexts = RequestContext['storage'] as AsyncLocalStorage<RequestContext>;

/** A request's EntityManager forks, each made the first time the request asks for it. */
class ForksOnFirstUse extends Map<string, EntityManager> {
  constructor(private readonly root: EntityManager) {
    super();
  }

  override get(name: string): EntityManager | undefined {
    let fork = super.get(name);
    if (!fork && name === this.root.name) {
      // Forked from the root as RequestContext.create does it, outside any context (fork() itself looks one up).
      fork = contexts.exit(() => this.root.fork({ useContext: true }));
      this.set(name, fork);
    }
    return fork;
  }
}

/**
 * MikroORM's per-request context, as its own middleware sets it, except that the EntityManager is forked only when
 * the request first uses it: the task lists, health and metrics run plain SQL on the shared pool and never do.
 * A Fastify `onRequest` hook rather than a Nest middleware: Nest runs middleware through @fastify/middie, which
 * matches the route pattern and wraps the request again on every request, for this one function.
 */
export function requestContextHook(orm: MikroORM): (request: unknown, reply: unknown, done: () => void) => void {
  return (_request, _reply, done) => contexts.run(new RequestContext(new ForksOnFirstUse(orm.em)), done);
}
