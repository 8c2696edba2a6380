import { FailReason, TaskStatus, isTerminalTaskStatus } from '@app/mj-protocol';
import type { LiveSettings } from './config';
import { hashString } from './media';
import type { Notifier } from './notify';
import { applyPhase, planFor } from './phases';
import { Scheduler } from './scheduler';
import type { TaskStore } from './task-store';
import type { MediaUrls } from './urls';

export type EnqueueResult = { accepted: true; waitNumbers: number } | { accepted: false };

/**
 * The account's executor (OSS `coreSize` workers, a bounded wait queue) and each task's march through
 * its phases, all driven by one shared timer.
 */
export class Lifecycle {
  private readonly running = new Set<string>();
  private waiting: string[] = [];
  private readonly scheduler = new Scheduler((id, seq) => this.fire(id, seq));

  constructor(
    private readonly store: TaskStore,
    private readonly settings: LiveSettings,
    private readonly urls: MediaUrls,
    private readonly notifier: Notifier,
  ) {}

  get runningCount(): number {
    return this.running.size;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** OSS: `currentWaitNumbers` is the queue length before the add; a full queue rejects the task. */
  enqueue(id: string): EnqueueResult {
    const runtime = this.store.runtimes.get(id);
    if (!runtime) return { accepted: false };
    if (this.running.size < this.settings.coreSize) {
      this.running.add(id);
      runtime.slot = 'running';
      this.start(id);
      return { accepted: true, waitNumbers: 0 };
    }
    if (this.waiting.length >= this.settings.queueSize) return { accepted: false };
    const waitNumbers = this.waiting.length;
    this.waiting.push(id);
    runtime.slot = 'waiting';
    return { accepted: true, waitNumbers };
  }

  /** Running, then waiting tasks (OSS `/task/queue`). */
  queuedIds(): string[] {
    return [...this.running, ...this.waiting];
  }

  /** TA/PLUS cancel: the task fails with `取消任务`. Returns false for unknown or finished tasks. */
  cancel(id: string): boolean {
    const task = this.store.tasks.get(id);
    const runtime = this.store.runtimes.get(id);
    if (!task || !runtime || isTerminalTaskStatus(task.status)) return false;
    this.release(id);
    runtime.seq++;
    task.status = TaskStatus.FAILURE;
    task.progress = '';
    task.failReason = FailReason.CANCELLED;
    task.finishTime = Date.now();
    this.notify(id);
    return true;
  }

  /** Drops tasks from memory, as an OSS restart does; all of them when `ids` is absent. */
  forget(ids?: readonly string[]): void {
    if (!ids) {
      this.scheduler.clear();
      this.running.clear();
      this.waiting = [];
      this.store.tasks.clear();
      this.store.runtimes.clear();
      return;
    }
    for (const id of ids) {
      this.release(id);
      this.store.delete(id);
    }
  }

  close(): void {
    this.scheduler.clear();
  }

  private start(id: string): void {
    const runtime = this.store.runtimes.get(id);
    const task = this.store.tasks.get(id);
    if (!runtime || !task) return;
    runtime.plan = planFor(runtime.result, runtime.modes, hashString(id));
    runtime.phase = 0;
    this.scheduleNext(id, 0);
  }

  private duration(id: string): number {
    const slow = this.store.runtimes.get(id)?.modes.has('slow') ?? false;
    return this.settings.taskMs * (slow ? 10 : 1);
  }

  private scheduleNext(id: string, previousAt: number): void {
    const runtime = this.store.runtimes.get(id);
    if (!runtime || runtime.phase >= runtime.plan.length) return;
    const delay = (runtime.plan[runtime.phase].at - previousAt) * this.duration(id);
    this.scheduler.schedule(id, ++runtime.seq, Date.now() + Math.max(0, Math.round(delay)));
  }

  private fire(id: string, seq: number): void {
    const task = this.store.tasks.get(id);
    const runtime = this.store.runtimes.get(id);
    if (!task || !runtime || runtime.seq !== seq) return;
    const phase = runtime.plan[runtime.phase++];
    applyPhase(task, runtime, phase, this.urls, Date.now());
    if (phase.kind === 'lost') {
      this.release(id);
      this.store.delete(id);
      return;
    }
    if (phase.kind === 'hang') {
      // A lost Discord message: the task stays as it is, but the simulator frees the worker so
      // that later tasks are not blocked (OSS would time it out after 5 minutes).
      this.release(id);
      return;
    }
    this.notify(id);
    if (isTerminalTaskStatus(task.status)) this.release(id);
    else this.scheduleNext(id, phase.at);
  }

  private release(id: string): void {
    const runtime = this.store.runtimes.get(id);
    if (!runtime) return;
    if (runtime.slot === 'waiting') this.waiting = this.waiting.filter((waiting) => waiting !== id);
    if (runtime.slot === 'running') this.running.delete(id);
    runtime.slot = null;
    while (this.waiting.length > 0 && this.running.size < this.settings.coreSize) {
      const next = this.waiting.shift() as string;
      const nextRuntime = this.store.runtimes.get(next);
      if (!nextRuntime) continue;
      this.running.add(next);
      nextRuntime.slot = 'running';
      this.start(next);
    }
  }

  private notify(id: string): void {
    const task = this.store.tasks.get(id);
    const hook = this.store.runtimes.get(id)?.notifyHook;
    if (task && hook) this.notifier.send(hook, task);
  }
}
