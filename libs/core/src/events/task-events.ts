import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DatabaseLocation } from '../database/database.module';

/** A change of a task, as every instance announces it (small: listeners read the rest from the database). */
export interface TaskEvent {
  id: number;
  user_id: number;
  channel_id: number;
  mj_id: string;
  action: string;
  status: string;
  progress: string;
  /** Epoch ms on the announcing instance's clock. */
  at: number;
}

/** Which changes a subscriber hears: those this instance made (`local`), or every instance's (`all`). */
export type TaskEventScope = 'local' | 'all';

const CHANNEL = 'mj_task_events';
/** Events of this long go to the other instances in one NOTIFY (a NOTIFY per submit cost more than the rest of it). */
const NOTIFY_WINDOW_MS = 20;
/** Events per NOTIFY payload (about 150 bytes each, under the 8000-byte limit). */
const EVENTS_PER_NOTIFY = 40;
const NOTIFIES_PER_QUERY = 25;

/**
 * Task changes in-process and across instances: `publish` tells local listeners at once and every other instance
 * through PostgreSQL NOTIFY; events from other instances arrive through LISTEN. (The embedded database serves one
 * instance only, so there it stays in-process.)
 */
@Injectable()
export class TaskEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TaskEvents');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly origin = randomUUID();
  /** How this instance's own NOTIFY payloads begin: they come back through LISTEN and are dropped unparsed. */
  private readonly ownPayload = `{"origin":${JSON.stringify(this.origin)},`;
  private listener?: Client;
  private publisher?: Client;
  /** The NOTIFY queries in flight, in order. */
  private notifying: Promise<void> = Promise.resolve();
  /** Events not yet sent to the other instances: one NOTIFY carries many submits' events. */
  private pending: TaskEvent[] = [];

  constructor(private readonly database: DatabaseLocation) {}

  async onModuleInit(): Promise<void> {
    if (this.database.embedded) return;
    try {
      this.listener = new Client({ connectionString: this.database.url });
      this.listener.on('error', (error) => this.logger.warn(`LISTEN connection: ${error.message}`));
      await this.listener.connect();
      this.listener.on('notification', (message) => this.receive(message.payload));
      await this.listener.query(`LISTEN ${CHANNEL}`);
      this.publisher = new Client({ connectionString: this.database.url });
      this.publisher.on('error', (error) => this.logger.warn(`NOTIFY connection: ${error.message}`));
      await this.publisher.connect();
    } catch (error) {
      this.logger.warn(`cross-instance task events are off: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.pending.length) this.notify();
    await this.notifying;
    await Promise.all([this.listener?.end().catch(() => undefined), this.publisher?.end().catch(() => undefined)]);
  }

  /** Call after the transaction that made the changes has committed. */
  publish(events: TaskEvent[]): void {
    if (!events.length) return;
    for (const event of events) {
      this.emitter.emit('task', event);
      this.emitter.emit('local', event);
    }
    if (!this.publisher) return;
    if (!this.pending.length) setTimeout(() => this.notify(), NOTIFY_WINDOW_MS);
    this.pending.push(...events);
  }

  private notify(): void {
    const [publisher, events] = [this.publisher!, this.pending];
    this.pending = [];
    // NOTIFY payloads are limited to 8000 bytes: slices of 40 events, up to 25 slices per statement (a pass that moves
    // 10,000 tasks sends 10 statements, not 250), one query at a time on the one connection (pg queues overlapping
    // queries itself, but warns that it will stop doing so).
    const payloads: string[] = [];
    for (let i = 0; i < events.length; i += EVENTS_PER_NOTIFY) {
      payloads.push(JSON.stringify({ origin: this.origin, events: events.slice(i, i + EVENTS_PER_NOTIFY) }));
    }
    for (let i = 0; i < payloads.length; i += NOTIFIES_PER_QUERY) {
      const group = payloads.slice(i, i + NOTIFIES_PER_QUERY);
      const calls = group.map((_, j) => `pg_notify($1, $${j + 2})`).join(', ');
      this.notifying = this.notifying
        .then(() => publisher.query(`SELECT ${calls}`, [CHANNEL, ...group]))
        .then(
          () => undefined,
          (error: Error) => this.logger.warn(`NOTIFY failed: ${error.message}`),
        );
    }
  }

  /**
   * Calls `listener` with every task event: `all` (the default) also hears other instances' changes (through NOTIFY,
   * best effort), `local` only the changes this instance made, each once, right after their commit.
   */
  subscribe(listener: (event: TaskEvent) => void, scope: TaskEventScope = 'all'): () => void {
    const name = scope === 'local' ? 'local' : 'task';
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  private receive(payload: string | undefined): void {
    if (payload?.startsWith(this.ownPayload)) return;
    try {
      const message = JSON.parse(payload ?? '') as { origin: string; events: TaskEvent[] };
      if (message.origin === this.origin) return;
      for (const event of message.events) this.emitter.emit('task', event);
    } catch {
      this.logger.warn('ignored a malformed task event');
    }
  }
}
