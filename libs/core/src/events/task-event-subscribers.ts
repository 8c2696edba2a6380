import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, SetMetadata } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { type TaskEvent, TaskEvents, type TaskEventScope } from './task-events';

/** The metadata key `@TaskEventSubscriber()` sets on a provider class. */
export const TASK_EVENT_SUBSCRIBER = 'gateway:task-event-subscriber';

/** A provider that hears task changes: mark its class `@TaskEventSubscriber()` and provide it in any module. */
export interface OnTaskEvent {
  /** Called once per event; a returned promise is not awaited (a rejection is logged, nothing else happens). */
  onTaskEvent(event: TaskEvent): void | Promise<void>;
}

export interface TaskEventSubscriberOptions {
  /**
   * `local` (the default): the changes this instance made, each once, in-process, after their commit: with several
   * instances every change reaches exactly one instance's subscriber (at most once: a crash right after the commit
   * loses it). `all`: also the other instances' changes, through PostgreSQL NOTIFY, best effort (not at-least-once).
   */
  scope?: TaskEventScope;
}

/** Marks a provider as a task event subscriber (see `OnTaskEvent`). */
export const TaskEventSubscriber = (options: TaskEventSubscriberOptions = {}): ClassDecorator =>
  SetMetadata(TASK_EVENT_SUBSCRIBER, { scope: options.scope ?? 'local' });

/** Finds every `@TaskEventSubscriber()` provider at start and feeds it task events; a listener's error is only logged. */
@Injectable()
export class TaskEventSubscribers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TaskEventSubscribers');
  private unsubscribers: (() => void)[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly events: TaskEvents,
  ) {}

  onApplicationBootstrap(): void {
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype || typeof metatype !== 'function' || seen.has(instance)) continue;
      seen.add(instance);
      const options = this.reflector.get<Required<TaskEventSubscriberOptions> | undefined>(TASK_EVENT_SUBSCRIBER, metatype);
      if (!options) continue;
      const subscriber = instance as Partial<OnTaskEvent>;
      if (typeof subscriber.onTaskEvent !== 'function') {
        throw new Error(`${metatype.name} is a @TaskEventSubscriber() but has no onTaskEvent(event) method`);
      }
      const name = metatype.name;
      this.unsubscribers.push(this.events.subscribe((event) => this.deliver(name, subscriber as OnTaskEvent, event), options.scope));
    }
  }

  onApplicationShutdown(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }

  private deliver(name: string, subscriber: OnTaskEvent, event: TaskEvent): void {
    try {
      const result = subscriber.onTaskEvent(event);
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch((error: unknown) => this.failed(name, event, error));
      }
    } catch (error) {
      this.failed(name, event, error);
    }
  }

  private failed(name: string, event: TaskEvent, error: unknown): void {
    this.logger.warn(`${name} failed on the event of task ${event.id}: ${(error as Error)?.message ?? String(error)}`);
  }
}
