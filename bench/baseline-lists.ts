import type { ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import { publicProperties } from '@app/mj-protocol';
import { CountRow, filterFromQuery, oneTrip, pageWithTotalQuery, SqlQuery, twoTripPage } from './list-queries';

/** The baseline's list answers: the gateway's SQL and items, with no framework, auth, validation, logging or link signing. */
const MAX_PAGE_SIZE = 100;

interface Row {
  id: number;
  user_id: number;
  channel_id: number;
  mj_id: string;
  action: string;
  mode: string;
  prompt: string;
  prompt_en: string;
  status: string;
  progress: string;
  image_url: string;
  image_urls: string[];
  video_url: string;
  video_urls: string[];
  submit_time: number;
  start_time: number;
  finish_time: number;
  fail_reason: string;
  quota: number;
  code: number;
  description: string;
  state: string;
  buttons: unknown[];
  properties: Record<string, unknown>;
  queued: boolean;
  upstream_id: string;
  original_prompt: string;
}

// The fields of libs/mj/src/dto/task.dto.ts, with the stored media URLs where the gateway signs its own links.
function toItem(row: Row, admin: boolean) {
  const item: Record<string, unknown> = {
    id: row.id,
    mj_id: row.mj_id,
    action: row.action,
    mode: row.mode,
    prompt: row.prompt,
    prompt_en: row.prompt_en,
    status: row.status,
    progress: row.progress,
    image_url: row.image_url,
    image_urls: JSON.stringify(row.image_urls ?? []),
    video_url: row.video_url,
    video_urls: JSON.stringify(row.video_urls ?? []),
    submit_time: row.submit_time,
    start_time: row.start_time,
    finish_time: row.finish_time,
    fail_reason: row.fail_reason,
    quota: row.quota,
    code: row.code,
    description: row.description,
    state: row.state,
    buttons: JSON.stringify(row.buttons ?? []),
    // A user sees the properties white-labelled (the admin list shows them raw), as the gateway answers them.
    properties: JSON.stringify(admin ? (row.properties ?? {}) : publicProperties(row.properties, row.prompt_en || row.prompt)),
    // Places in the gateway's queue: the seeded tasks are never queued, and the gateway asks for none then either.
    queue_position: 0,
    estimated_start_time: 0,
  };
  // Added to the item, as the gateway's toAdminTaskDto does: JSON.stringify of an object spread into a new one took
  // 5× as long here (0.2 ms more per admin page), which made the gateway look better than it is on the admin lists.
  if (admin) {
    item.user_id = row.user_id;
    item.channel_id = row.channel_id;
    item.upstream_id = row.upstream_id ?? '';
    item.original_prompt = row.original_prompt ?? '';
  }
  return item;
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function listTasks(pool: Pool, url: URL, admin: boolean) {
  const filter = filterFromQuery(url.searchParams, admin);
  const p = Number(url.searchParams.get('p') ?? 1);
  const pageSize = Math.min(Number(url.searchParams.get('page_size') ?? 20), MAX_PAGE_SIZE);
  const offset = (p - 1) * pageSize;
  let total: number;
  let rows: Row[];
  if (oneTrip(filter, offset)) {
    const answer = await pool.query<Row & { total: string | null }>(pageWithTotalQuery(filter, offset, pageSize));
    total = Number(answer.rows[0]?.total ?? 0);
    rows = answer.rows.filter((row) => row.id !== null);
  } else {
    const count = async (query: SqlQuery) => (await pool.query<CountRow>(query)).rows[0];
    const planned = await twoTripPage(filter, offset, pageSize, count);
    total = planned.total;
    rows = planned.page ? (await pool.query<Row>(planned.page)).rows : [];
  }
  return { success: true, message: '', data: { items: rows.map((row) => toItem(row, admin)), total, page: p, page_size: pageSize } };
}
