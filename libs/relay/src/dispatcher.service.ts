import { Injectable, Logger } from '@nestjs/common';
import { botOf, type Channel, ChannelHealth, ChannelRepository, type SpeedMode } from '@app/channels';
import { type DispatchedTask, TaskStore } from '@app/mj';
import { ReturnCode } from '@app/mj-protocol';
import { capacityOf, GatewayQueue } from './gateway-queue';
import { RelayService } from './relay.service';

export interface DispatchReport {
  expired: number;
  sent: number;
  accepted: number;
  requeued: number;
  refused: number;
}

const BUSY_PAUSE_MS = 1000;
const ACCEPTED = new Set<number>([ReturnCode.SUCCESS, ReturnCode.IN_QUEUE, ReturnCode.EXISTED]);

/**
 * One idempotent dispatch pass (any number of instances side by side): give up queued tasks past their deadline
 * (refunded), then, channel by channel, claim as many queued tasks as it has room for, in the fair order, and send them.
 * Accepted: captured as at submit. Queue full upstream: back in the queue. Refused: released.
 */
@Injectable()
export class DispatcherService {
  private readonly logger = new Logger('Dispatcher');
  /** Channels whose upstream just said "queue full" although the count had room: left alone for a moment. */
  private readonly busyUntil = new Map<number, number>();

  constructor(
    private readonly tasks: TaskStore,
    private readonly channels: ChannelRepository,
    private readonly relay: RelayService,
    private readonly queue: GatewayQueue,
    private readonly health: ChannelHealth,
  ) {}

  async pass(): Promise<DispatchReport> {
    const report: DispatchReport = { expired: 0, sent: 0, accepted: 0, requeued: 0, refused: 0 };
    report.expired = await this.tasks.expireQueued(Date.now());
    const loads = new Map((await this.tasks.channelLoads()).map((load) => [load.channelId, load]));
    const waitingForAny = loads.get(0)?.queued ?? 0;
    if (![...loads.values()].some((load) => load.queued > 0)) return report;
    const sends: Promise<void>[] = [];
    for (const channel of await this.channels.findEnabledCached()) {
      const load = loads.get(channel.id);
      const capacity = capacityOf(channel) ?? Number.MAX_SAFE_INTEGER;
      if (waitingForAny + (load?.queued ?? 0) === 0 || (load?.inFlight ?? 0) >= capacity) continue;
      if ((this.busyUntil.get(channel.id) ?? 0) > Date.now()) continue;
      // A channel whose breaker is not closed takes nothing new (its queued follow-ups wait for it, or their deadline).
      if (channel.state !== 'closed') continue;
      const claimed = await this.tasks.claimQueued(channel.id, capacity, Date.now());
      report.sent += claimed.length;
      for (const task of claimed) sends.push(this.send(task, channel, report));
    }
    await Promise.all(sends);
    if (report.sent || report.expired) {
      this.logger.log(
        `pass: sent ${report.sent} (accepted ${report.accepted}, requeued ${report.requeued}, refused ${report.refused}), expired ${report.expired}`,
      );
    }
    return report;
  }

  private async send(task: DispatchedTask, channel: Channel, report: DispatchReport): Promise<void> {
    const { request } = task;
    try {
      // Only to a channel that can do the task's action in its mode with its bot; else back in the queue for another.
      const need = { action: task.action, mode: task.mode as SpeedMode, bot: botOf(request.body) };
      if (this.health.refusalFor(channel, need)) {
        report.requeued += 1;
        await this.tasks.requeue(task.id, request);
        return;
      }
      const attempt = await this.relay.forward({ upstreamPath: request.path, body: request.body }, [channel], false, request.baseUrl);
      if ('error' in attempt) {
        report.refused += 1;
        return await this.tasks.recordRefused(task.id, channel.id, 0, attempt.error);
      }
      const { answer } = attempt;
      if (this.queue.isBusy(answer)) {
        report.requeued += 1;
        this.busyUntil.set(channel.id, Date.now() + BUSY_PAUSE_MS);
        await this.tasks.requeue(task.id, request);
        return;
      }
      if (ACCEPTED.has(answer.code) && typeof answer.result === 'string') {
        report.accepted += 1;
        await this.tasks.recordAccepted(task.id, task.held, {
          channelId: channel.id,
          upstreamId: answer.result,
          submitCode: answer.code,
          status: answer.code === ReturnCode.EXISTED ? 'MODAL' : 'NOT_START',
          progress: '',
          properties: answer.properties ?? {},
          imageUrls: [],
          finishTime: 0,
        });
        return;
      }
      report.refused += 1;
      await this.tasks.recordRefused(task.id, channel.id, answer.code, answer.description || `upstream code ${answer.code}`);
    } catch (error) {
      // Left as claimed: the poller releases it as an orphan (never charged, never sent twice).
      this.logger.error(`dispatching task ${task.id} failed: ${(error as Error).message}`);
    }
  }
}
