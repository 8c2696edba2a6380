import { randomInt, randomUUID } from 'node:crypto';
import type { Task } from '@app/mj-protocol';
import type { SimMode } from './modes';
import type { Phase } from './phases';

/** What the task produces when it succeeds. */
export type ResultKind = 'grid' | 'single' | 'describe' | 'shorten' | 'video';

/** Simulator-side state of a task, never serialized. */
export interface TaskRuntime {
  modes: Set<SimMode>;
  result: ResultKind;
  /** The UUID of the result image (`messageHash`). */
  hash: string;
  notifyHook: string | null;
  /** Number of reference images, whose URLs prefix the prompt on dispatch (imagine, blend). */
  references: number;
  /** Video batch size. */
  batchSize: number;
  /** The button a MODAL task was created from. */
  customId: string | null;
  plan: Phase[];
  phase: number;
  /** Bumped whenever the task's schedule changes, to ignore stale timer entries. */
  seq: number;
  slot: 'running' | 'waiting' | null;
}

export const DISCORD_INSTANCE_ID = '1118138338562560102';

/** In-memory tasks, as OSS keeps them by default. */
export class TaskStore {
  readonly tasks = new Map<string, Task>();
  readonly runtimes = new Map<string, TaskRuntime>();

  /** `Date.now()` + 3 random digits: a 16-digit string, unique among stored tasks. */
  newId(): string {
    for (let ms = Date.now(); ; ms++) {
      const start = randomInt(1000);
      for (let k = 0; k < 1000; k++) {
        const id = `${ms}${String((start + k) % 1000).padStart(3, '0')}`;
        if (!this.tasks.has(id)) return id;
      }
    }
  }

  add(task: Task, runtime: TaskRuntime): void {
    this.tasks.set(task.id, task);
    this.runtimes.set(task.id, runtime);
  }

  delete(id: string): void {
    this.tasks.delete(id);
    this.runtimes.delete(id);
  }
}

export function newRuntime(fields: Partial<TaskRuntime> & Pick<TaskRuntime, 'modes' | 'result'>): TaskRuntime {
  return {
    hash: randomUUID(),
    notifyHook: null,
    references: 0,
    batchSize: 1,
    customId: null,
    plan: [],
    phase: 0,
    seq: 0,
    slot: null,
    ...fields,
  };
}

/** A NOT_START task with every OSS field present (Jackson writes nulls). */
export function newTask(fields: Pick<Task, 'id' | 'action'> & Partial<Task>): Task {
  return {
    id: fields.id,
    action: fields.action,
    status: fields.status ?? 'NOT_START',
    prompt: fields.prompt ?? null,
    promptEn: fields.promptEn ?? null,
    description: fields.description ?? null,
    state: fields.state ?? null,
    submitTime: fields.submitTime ?? Date.now(),
    startTime: null,
    finishTime: null,
    imageUrl: fields.imageUrl ?? null,
    progress: null,
    failReason: null,
    properties: fields.properties ?? {},
    buttons: [],
  };
}
