import { TaskAction, TaskStatus, type Task } from '@app/mj-protocol';
import { describeButtons, gridButtons, upscaleButtons } from './buttons';
import { hashString } from './media';
import { stripSimTokens, type SimMode } from './modes';
import type { ResultKind, TaskRuntime } from './task-store';
import { FAIL_REASONS, describePrompts, shortLink, shortenAnalysis, snowflake } from './texts';
import type { MediaUrls } from './urls';

/** One step of a task's life; `at` is the fraction of the task's duration after it got a worker. */
export type Phase =
  | { at: number; kind: 'submitted' | 'started' | 'success' | 'hang' | 'lost' }
  | { at: number; kind: 'progress'; percent: number; step: number }
  | { at: number; kind: 'fail' | 'dispatch-fail'; reason: string };

/** Uneven, as Midjourney reports them. */
export const PROGRESS_STEPS = [15, 31, 46, 62, 78, 93] as const;

/** The plan of a task from dispatch to its end, bent by its modes (protocol §6). */
export function planFor(result: ResultKind, modes: ReadonlySet<SimMode>, seed: number): Phase[] {
  const reason = FAIL_REASONS[seed % FAIL_REASONS.length];
  if (modes.has('dispatch-fail'))
    return [{ at: 0.05, kind: 'dispatch-fail', reason: '[Internal Server Error] Discord interaction failed: 400 Bad Request' }];
  const plan: Phase[] = [{ at: 0.05, kind: 'submitted' }];
  if (modes.has('hang-submitted')) return [...plan, { at: 0.15, kind: 'hang' }];
  plan.push({ at: 0.15, kind: 'started' });
  if (modes.has('banned-late')) return [...plan, { at: 0.27, kind: 'fail', reason: '可能包含敏感词' }];
  const steps = result === 'describe' || result === 'shorten' ? [] : PROGRESS_STEPS;
  let at = 0.15;
  for (let step = 0; step < steps.length; step++) {
    at += 0.12;
    plan.push({ at, kind: 'progress', percent: steps[step], step });
    const next = at + 0.12;
    if (modes.has('lost') && step === 0) return [...plan, { at: next, kind: 'lost' }];
    if (modes.has('silent-fail') && steps[step] === 31) return [...plan, { at: next, kind: 'fail', reason: '' }];
    if (modes.has('fail') && steps[step] === 46) return [...plan, { at: next, kind: 'fail', reason }];
    if (modes.has('hang') && steps[step] === 46) return [...plan, { at: next, kind: 'hang' }];
  }
  if (modes.has('lost')) return [...plan, { at: 0.5, kind: 'lost' }];
  if (modes.has('silent-fail')) return [...plan, { at: 0.5, kind: 'fail', reason: '' }];
  if (modes.has('fail')) return [...plan, { at: 0.5, kind: 'fail', reason }];
  if (modes.has('hang')) return [...plan, { at: 0.5, kind: 'hang' }];
  return [...plan, { at: 1, kind: 'success' }];
}

/** Applies one phase to the wire task. */
export function applyPhase(task: Task, runtime: TaskRuntime, phase: Phase, urls: MediaUrls, now: number): void {
  const echoed = stripSimTokens(task.promptEn ?? task.prompt ?? '');
  switch (phase.kind) {
    case 'submitted':
      task.status = TaskStatus.SUBMITTED;
      task.progress = '0%';
      task.startTime = now;
      prefixReferences(task, runtime);
      return;
    case 'started':
      task.status = TaskStatus.IN_PROGRESS;
      task.progress = '0%';
      task.properties.progressMessageId = snowflake();
      return;
    case 'progress':
      task.status = TaskStatus.IN_PROGRESS;
      task.progress = `${phase.percent}%`;
      task.imageUrl = urls.preview(task.id, runtime.hash, phase.step);
      task.properties.finalPrompt = echoed;
      task.properties.messageHash = runtime.hash;
      return;
    case 'success':
      task.status = TaskStatus.SUCCESS;
      task.progress = '100%';
      task.finishTime = now;
      task.properties.finalPrompt = echoed;
      task.properties.messageId = snowflake();
      task.properties.messageHash = runtime.hash;
      task.properties.flags = 0;
      fillResult(task, runtime, urls);
      return;
    case 'fail':
    case 'dispatch-fail':
      task.status = TaskStatus.FAILURE;
      task.progress = '';
      task.imageUrl = null;
      task.failReason = phase.reason;
      task.finishTime = now;
      if (phase.kind === 'dispatch-fail') task.startTime = now;
      return;
    case 'hang':
    case 'lost':
      return;
  }
}

/** On dispatch, OSS prefixes the prompt with the uploaded reference images (imagine) or sets it (blend). */
function prefixReferences(task: Task, runtime: TaskRuntime): void {
  if (runtime.references === 0) return;
  const links = Array.from({ length: runtime.references }, () => `<${shortLink()}>`).join(' ');
  if (task.action === TaskAction.BLEND) {
    task.prompt = task.promptEn = `${links} --v 6`;
    return;
  }
  task.prompt = `${links} ${task.prompt ?? ''}`.trim();
  task.promptEn = `${links} ${task.promptEn ?? ''}`.trim();
  task.description = `/imagine ${task.prompt}`;
}

function fillResult(task: Task, runtime: TaskRuntime, urls: MediaUrls): void {
  const { hash } = runtime;
  switch (runtime.result) {
    case 'grid':
      task.imageUrl = urls.final(task.id, hash, task.promptEn);
      task.buttons = gridButtons(hash);
      if (runtime.modes.has('v7')) task.imageUrls = [0, 1, 2, 3].map((i) => ({ url: urls.single(task.id, i) }));
      return;
    case 'single': {
      task.imageUrl = urls.final(task.id, hash, task.promptEn);
      const upscaled = task.action === TaskAction.UPSCALE || task.action === TaskAction.UPSCALE_HD;
      task.buttons = upscaled ? upscaleButtons(hash) : [];
      return;
    }
    case 'describe': {
      const text = describePrompts(hashString(task.id));
      task.prompt = task.promptEn = text;
      task.properties.finalPrompt = text;
      task.buttons = describeButtons();
      return;
    }
    case 'shorten':
      task.properties.finalPrompt = shortenAnalysis(stripSimTokens(task.prompt ?? ''));
      task.buttons = [];
      return;
    case 'video': {
      task.imageUrl = urls.final(task.id, hash, task.promptEn);
      const videos =
        runtime.batchSize > 1 ? Array.from({ length: runtime.batchSize }, (_, i) => urls.video(task.id, i)) : [urls.video(task.id)];
      task.videoUrl = videos[0];
      task.videoUrls = videos.map((url) => ({ url }));
      task.buttons = [];
      return;
    }
  }
}
