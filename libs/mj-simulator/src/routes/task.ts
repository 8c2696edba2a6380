import { ReturnCode, ReturnDescription, type DiscordAccount, type ListByConditionRequest, type Task } from '@app/mj-protocol';
import type { SimContext } from '../context';
import { bodyOf, empty, json, type Route, type SimRequest, type SimResponse } from '../http';
import { hashString } from '../media';
import { DISCORD_INSTANCE_ID } from '../task-store';

function fetchTask(request: SimRequest, ctx: SimContext): SimResponse {
  const task = ctx.store.tasks.get(request.params[0]);
  return task ? json(task) : empty();
}

/** Unknown ids are silently omitted; `{}` or `{"ids":null}` gives `[]`. */
function listByCondition(request: SimRequest, ctx: SimContext): SimResponse {
  const ids = bodyOf<ListByConditionRequest>(request).ids;
  if (!Array.isArray(ids)) return json([]);
  const tasks: Task[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const key = String(id);
    const task = ctx.store.tasks.get(key);
    if (task && !seen.has(key)) {
      seen.add(key);
      tasks.push(task);
    }
  }
  return json(tasks);
}

/** Every stored task, newest first (OSS). */
function listTasks(_request: SimRequest, ctx: SimContext): SimResponse {
  return json([...ctx.store.tasks.values()].sort((a, b) => (b.submitTime ?? 0) - (a.submitTime ?? 0)));
}

/** Waiting and running tasks by submit time (OSS only). */
function queue(_request: SimRequest, ctx: SimContext): SimResponse {
  const tasks = ctx.lifecycle
    .queuedIds()
    .map((id) => ctx.store.tasks.get(id))
    .filter((task): task is Task => task !== undefined)
    .sort((a, b) => (a.submitTime ?? 0) - (b.submitTime ?? 0));
  return json(tasks);
}

/** TA: unknown id → HTTP 404 code 3; no image hash yet → HTTP 400 code 4. */
function imageSeed(request: SimRequest, ctx: SimContext): SimResponse {
  const task = ctx.store.tasks.get(request.params[0]);
  if (!task) return json({ code: ReturnCode.NOT_FOUND, description: '任务不存在', result: null }, 404);
  const hash = task.properties.messageHash;
  if (typeof hash !== 'string' || task.status !== 'SUCCESS') {
    return json({ code: ReturnCode.VALIDATION_ERROR, description: '任务未完成，无图片种子', result: null }, 400);
  }
  return json({ code: ReturnCode.SUCCESS, description: ReturnDescription.SEED_FOUND, result: String(hashString(hash) % 4_294_967_295) });
}

/** PLUS/TA: the task becomes FAILURE `取消任务`; the answer is 200 with an empty body either way. */
function cancel(request: SimRequest, ctx: SimContext): SimResponse {
  ctx.lifecycle.cancel(request.params[0]);
  return empty();
}

function account(ctx: SimContext): DiscordAccount {
  return {
    id: DISCORD_INSTANCE_ID,
    properties: {},
    guildId: '1118138338562560101',
    channelId: DISCORD_INSTANCE_ID,
    userToken: '****',
    userAgent: 'Mozilla/5.0 (mj-simulator)',
    enable: true,
    coreSize: ctx.settings.coreSize,
    queueSize: ctx.settings.queueSize,
    timeoutMinutes: 5,
  };
}

export const taskRoutes: Route[] = [
  { method: 'GET', pattern: '/mj/task/{id}/fetch', handle: fetchTask },
  { method: 'POST', pattern: '/mj/task/list-by-condition', jsonBody: true, handle: listByCondition },
  { method: 'POST', pattern: '/mj/task/list-by-ids', jsonBody: true, handle: listByCondition },
  { method: 'GET', pattern: '/mj/task/list', handle: listTasks },
  { method: 'GET', pattern: '/mj/task/queue', handle: queue },
  { method: 'GET', pattern: '/mj/task/{id}/image-seed', handle: imageSeed },
  { method: 'POST', pattern: '/mj/task/{id}/cancel', handle: cancel },
  { method: 'GET', pattern: '/mj/account/list', handle: (_request, ctx) => json([account(ctx)]) },
  {
    method: 'GET',
    pattern: '/mj/account/{id}/fetch',
    handle: (request, ctx) => (request.params[0] === DISCORD_INSTANCE_ID ? json(account(ctx)) : empty()),
  },
];
