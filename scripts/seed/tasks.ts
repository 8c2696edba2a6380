import type { Client } from 'pg';
import type { Progress } from '../lib/progress';
import {
  ACTION_PROFILES,
  FAIL_REASONS,
  FINISHED_STATUS_PERCENT,
  PROMPT_DETAILS,
  PROMPT_PARAMETERS,
  PROMPT_STYLES,
  PROMPT_SUBJECTS,
  RECENT_STATUS_PERCENT,
  weightedSlots,
} from './vocabulary';

const CHUNK_ROWS = 200_000;
const WINDOW_MS = 90 * 86_400_000;
/** The newest tasks, submitted within the relay's 10-minute deadline, are the only ones that may be in flight. */
const RECENT_MS = 8 * 60_000;
const RECENT_SHARE = 1 / 2000;
const MIN_RECENT = 50;

export interface TaskSeedPlan {
  userIds: number[];
  channelIds: number[];
  count: number;
}

export interface TaskSeedResult {
  inserted: number;
  firstId: number;
  lastId: number;
  fromMs: number;
  toMs: number;
}

// The draws sit innermost: PostgreSQL never flattens a subquery calling random(), so each is drawn once per row.
const INSERT_CHUNK = `
INSERT INTO tasks (id, user_id, channel_id, parent_id, mj_id, upstream_id, action, status, progress, prompt, prompt_en,
  description, submit_code, image_url, image_urls, video_url, video_urls, fail_reason, quota,
  submit_time, start_time, finish_time, deadline_at, updated_at)
SELECT id, user_id, channel_id,
  CASE WHEN ($derived::bool[])[a] AND id - parent_offset > 0 THEN id - parent_offset ELSE 0 END,
  mj_id, mj_id, action, status,
  CASE status WHEN 'SUCCESS' THEN '100%' WHEN 'IN_PROGRESS' THEN (5 + floor(r_misc * 90))::int || '%'
    WHEN 'FAILURE' THEN '' WHEN 'CANCEL' THEN '' ELSE '0%' END,
  CASE WHEN action IN ('DESCRIBE', 'BLEND') THEN '' ELSE prompt END,
  CASE WHEN action = 'BLEND' OR (action = 'DESCRIBE' AND status <> 'SUCCESS') THEN '' ELSE prompt END,
  CASE WHEN action = 'IMAGINE' THEN '/imagine ' || prompt ELSE '/' || lower(action) END,
  1,
  CASE WHEN status = 'SUCCESS' AND output <> 'text' THEN cdn || '.png' ELSE '' END,
  CASE WHEN status = 'SUCCESS' AND output = 'grid'
    THEN jsonb_build_array(cdn || '_0.png', cdn || '_1.png', cdn || '_2.png', cdn || '_3.png') ELSE '[]' END,
  CASE WHEN status = 'SUCCESS' AND output = 'video' THEN cdn || '.mp4' ELSE '' END,
  CASE WHEN status = 'SUCCESS' AND output = 'video' THEN jsonb_build_array(cdn || '.mp4') ELSE '[]' END,
  CASE WHEN status = 'FAILURE' THEN ($failReasons::text[])[1 + floor(r_misc * cardinality($failReasons::text[]))::int]
    ELSE '' END,
  CASE WHEN status IN ('FAILURE', 'CANCEL') THEN 0 ELSE ($quotas::bigint[])[a] END,
  submit_time, start_time, finish_time,
  submit_time + CASE WHEN output = 'video' THEN 1800000 ELSE 600000 END,
  greatest(submit_time, start_time, finish_time)
FROM (
  SELECT *, 'https://cdn.example.com/' || mj_id AS cdn,
    CASE WHEN status IN ('SUCCESS', 'FAILURE', 'IN_PROGRESS') THEN least(submit_time + wait_ms, $nowMs::bigint) ELSE 0 END AS start_time,
    least($nowMs::bigint, CASE status WHEN 'SUCCESS' THEN submit_time + wait_ms + run_ms
      WHEN 'FAILURE' THEN submit_time + wait_ms + (run_ms * r_misc)::bigint
      WHEN 'CANCEL' THEN submit_time + wait_ms / 2 ELSE 0 END) AS finish_time
  FROM (
    SELECT *, ($actions::text[])[a] AS action, ($outputs::text[])[a] AS output,
      (submit_time * 1000 + id % 1000)::text AS mj_id,
      (($seconds::int[])[a] * (600 + 0.8 * run_ms_permille))::bigint AS run_ms
    FROM (
      SELECT $firstId::int + g - 1 AS id,
        ($userIds::int[])[1 + floor(cardinality($userIds::int[]) * power(random(), 3))::int] AS user_id,
        ($channelIds::int[])[1 + floor(cardinality($channelIds::int[]) * power(random(), 1.5))::int] AS channel_id,
        ($actionSlots::int[])[1 + floor(random() * 100)::int] AS a,
        CASE WHEN g > $recentAfter::int THEN ($recentSlots::text[])[1 + floor(random() * 100)::int]
          ELSE ($finishedSlots::text[])[1 + floor(random() * 100)::int] END AS status,
        CASE WHEN g > $recentAfter::int
          THEN $recentFromMs::bigint + floor((g - $recentAfter::int - 1 + 0.9 * random()) * $recentStepMs::float8)::bigint
          ELSE $fromMs::bigint + floor((g - 1 + 0.9 * random()) * $stepMs::float8)::bigint END AS submit_time,
        1000 + floor(random() * 20000)::bigint AS wait_ms,
        floor(random() * 1000)::bigint AS run_ms_permille,
        ($subjects::text[])[1 + floor(random() * cardinality($subjects::text[]))::int] || ', '
          || ($details::text[])[1 + floor(random() * cardinality($details::text[]))::int] || ', '
          || ($styles::text[])[1 + floor(random() * cardinality($styles::text[]))::int] || ' '
          || ($parameters::text[])[1 + floor(random() * cardinality($parameters::text[]))::int] AS prompt,
        1 + floor(random() * 40)::int AS parent_offset,
        random() AS r_misc
      FROM generate_series($fromG::int, $toG::int) g
    ) drawn
  ) named
) timed`;

/** Turns `$name` placeholders into pg's `$n`, so the long statement stays readable. */
function bind(sql: string, values: Record<string, unknown>): { text: string; values: unknown[] } {
  const names = Object.keys(values);
  const text = sql.replace(/\$([a-zA-Z]+)/g, (_, name: string) => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`no value for $${name}`);
    return `$${index + 1}`;
  });
  return { text, values: names.map((name) => values[name]) };
}

/**
 * Submit times for `count` new tasks, increasing with id: most over the last 90 days (or since the newest
 * existing task), the newest few within the last minutes. At least 1 ms per task keeps the mj_id
 * "submit ms * 1000 + id % 1000" unique, since fewer than 1000 tasks then share a millisecond.
 */
export function planTimeline(count: number, newestMs: number, nowMs: number) {
  const recent = Math.min(count, Math.max(MIN_RECENT, Math.ceil(count * RECENT_SHARE)));
  const older = count - recent;
  const fromMs = Math.max(nowMs - WINDOW_MS, newestMs + 1);
  // Seeding again right after a seed runs slightly into the future rather than breaking the order.
  const recentFromMs = Math.max(nowMs - RECENT_MS, fromMs + older);
  const toMs = Math.max(nowMs, recentFromMs + recent);
  return {
    fromMs,
    stepMs: (recentFromMs - fromMs) / Math.max(older, 1),
    recentAfter: older,
    recentFromMs,
    recentStepMs: (toMs - recentFromMs) / Math.max(recent, 1),
    toMs,
  };
}

/** Appends `count` tasks after the existing ones in one transaction, one set-based INSERT per chunk. */
export async function seedTasks(client: Client, plan: TaskSeedPlan, log: (line: string) => void, bar?: Progress): Promise<TaskSeedResult> {
  const nowMs = Date.now();
  await client.query('BEGIN');
  try {
    // Ids and the timeline are computed here, so no other writer may slip rows in between.
    await client.query('LOCK TABLE tasks IN EXCLUSIVE MODE');
    const { rows } = await client.query<{ next_id: string; newest: string }>(`SELECT
      greatest((SELECT coalesce(max(id), 0) FROM tasks),
        (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM tasks_id_seq)) + 1 AS next_id,
      (SELECT coalesce(max(submit_time), 0) FROM tasks) AS newest`);
    const firstId = Number(rows[0].next_id);
    const { toMs, ...timeline } = planTimeline(plan.count, Number(rows[0].newest), nowMs);
    const common = {
      ...timeline,
      firstId,
      nowMs,
      userIds: plan.userIds,
      channelIds: plan.channelIds,
      actions: ACTION_PROFILES.map((p) => p.name),
      outputs: ACTION_PROFILES.map((p) => p.output),
      quotas: ACTION_PROFILES.map((p) => p.quota),
      seconds: ACTION_PROFILES.map((p) => p.seconds),
      derived: ACTION_PROFILES.map((p) => p.derived),
      actionSlots: weightedSlots(ACTION_PROFILES.map((p, i): [number, number] => [i + 1, p.percent])),
      finishedSlots: weightedSlots(Object.entries(FINISHED_STATUS_PERCENT)),
      recentSlots: weightedSlots(Object.entries(RECENT_STATUS_PERCENT)),
      subjects: PROMPT_SUBJECTS,
      details: PROMPT_DETAILS,
      styles: PROMPT_STYLES,
      parameters: PROMPT_PARAMETERS,
      failReasons: FAIL_REASONS,
    };
    // Same arguments, same tasks: the draws are reproducible.
    await client.query('SELECT setseed(0.42)');
    let inserted = 0;
    bar?.start('tasks', plan.count);
    for (let fromG = 1; fromG <= plan.count; fromG += CHUNK_ROWS) {
      const toG = Math.min(plan.count, fromG + CHUNK_ROWS - 1);
      const started = performance.now();
      const result = await client.query(bind(INSERT_CHUNK, { ...common, fromG, toG }));
      inserted += result.rowCount ?? 0;
      if (bar) bar.advance(result.rowCount ?? 0);
      else
        log(`  tasks ${fromG.toLocaleString('en')}..${toG.toLocaleString('en')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    bar?.stop();
    const lastId = firstId + plan.count - 1;
    if (plan.count > 0) await client.query(`SELECT setval('tasks_id_seq', $1)`, [lastId]);
    await client.query('COMMIT');
    return { inserted, firstId, lastId, fromMs: timeline.fromMs, toMs };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
