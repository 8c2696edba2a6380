import { ConfigError, updateSettings, type SettingsPatch } from '../config';
import type { SimContext } from '../context';
import { bodyOf, empty, json, text, type Route, type SimRequest, type SimResponse } from '../http';
import { BLOB_MAX_BYTES, type MediaAnswer } from '../media';
import { simulatorStats } from '../stats';

function media(answer: MediaAnswer): SimResponse {
  if (answer.status === 404) return text(404, 'Not Found');
  return { status: 200, body: answer.body, contentType: answer.contentType, headers: { 'cache-control': 'public, max-age=86400' } };
}

/** Serves byte ranges too, as a CDN does for video players. */
function video(request: SimRequest, ctx: SimContext): SimResponse {
  const match = /^(\d+)(?:_\d+)?\.mp4$/.exec(request.params[0]);
  const answer = match ? ctx.media.videoFor(match[1]) : ({ status: 404 } as const);
  if (answer.status === 404 || answer.contentType !== 'video/mp4') return media(answer);
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(request.headers.range ?? ''));
  const size = answer.body.length;
  const headers = { 'accept-ranges': 'bytes' };
  if (!range || (range[1] === '' && range[2] === '')) return { ...media(answer), headers };
  const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
  const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
  if (start >= size || start > end) return { status: 416, headers: { 'content-range': `bytes */${size}` } };
  return {
    status: 206,
    body: answer.body.subarray(start, end + 1),
    contentType: 'video/mp4',
    headers: { ...headers, 'content-range': `bytes ${start}-${end}/${size}` },
  };
}

function blob(request: SimRequest, ctx: SimContext): SimResponse {
  const match = /^(\d+)\.png$/.exec(request.params[0]);
  const bytes = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > BLOB_MAX_BYTES) return text(400, `size must be 1..${BLOB_MAX_BYTES} bytes`);
  return { status: 200, body: ctx.media.blob(bytes), contentType: 'image/png' };
}

function config(request: SimRequest, ctx: SimContext): SimResponse {
  try {
    updateSettings(ctx.settings, bodyOf<SettingsPatch>(request));
  } catch (error) {
    if (error instanceof ConfigError) return json({ error: error.message }, 400);
    throw error;
  }
  const { taskMs, modes, faults } = ctx.settings;
  return json({ taskMs, modes, faults });
}

function forget(request: SimRequest, ctx: SimContext): SimResponse {
  const ids = bodyOf<{ ids?: unknown }>(request).ids;
  ctx.lifecycle.forget(Array.isArray(ids) ? ids.map(String) : undefined);
  return json({ tasks: ctx.store.tasks.size });
}

const admin = (method: Route['method'], pattern: string, handle: Route['handle']): Route => ({
  method,
  pattern,
  admin: true,
  jsonBody: method === 'POST',
  handle,
});

export const simRoutes: Route[] = [
  { method: 'GET', pattern: '/sim/images/{taskId}/{file}', handle: (r, ctx) => media(ctx.media.image(r.params[0], r.params[1])) },
  { method: 'GET', pattern: '/sim/videos/{file}', handle: video },
  { method: 'GET', pattern: '/sim/blob/{file}', handle: blob },
  { method: 'GET', pattern: '/sim/health', handle: () => json({ status: 'UP' }) },
  admin('POST', '/sim/config', config),
  admin('POST', '/sim/forget', forget),
  admin('POST', '/sim/media/{taskId}/delete', (r, ctx) => {
    ctx.media.delete(r.params[0]);
    return empty(204);
  }),
  admin('GET', '/sim/stats', (_r, ctx) => json(simulatorStats(ctx))),
];
