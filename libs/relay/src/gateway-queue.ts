import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Channel } from '@app/channels';
import type { AuthUser } from '@app/core';
import { type QueuedRequest, type QueuePlace, type Task, TaskStore } from '@app/mj';
import { ReturnCode, type SubmitResultVO } from '@app/mj-protocol';
import { relayConfig } from './config/relay.config';
import { RelayRejection } from './relay.errors';
import type { SubmitPlan } from './submit-plan';

/** What a channel may have sent and unfinished at once: max_running + max_queued; null (max_running 0): no limit. */
export const capacityOf = (channel: Channel): number | null => (channel.maxRunning > 0 ? channel.maxRunning + channel.maxQueued : null);

const BUSY = /队列已满|queue is full|queue full|busy/i;

/**
 * The gateway's side of capacity: which channels have room (tasks sent and unfinished, counted from the rows, against
 * max_running + max_queued), the caps per user and per key, and the shape of a queued task's request and answer.
 */
@Injectable()
export class GatewayQueue {
  constructor(
    private readonly tasks: TaskStore,
    @Inject(relayConfig.KEY) private readonly config: ConfigType<typeof relayConfig>,
  ) {}

  /** The plan as the upstream must see it: a follow-up names its parent by the upstream's id, never the gateway's. */
  forUpstream(plan: SubmitPlan, parent: Task | null): SubmitPlan {
    if (!parent?.upstreamId) return plan;
    const body = { ...plan.body };
    if (typeof body.taskId === 'string') body.taskId = parent.upstreamId;
    if (typeof body.content === 'string') body.content = body.content.replace(/^\s*\S+/, parent.upstreamId);
    return { ...plan, body };
  }

  /** Over a cap: refused with code 23 (queue full) naming the cap, before anything is held. */
  async checkCaps(auth: AuthUser): Promise<void> {
    const counts = await this.tasks.countUnfinished(auth.id, auth.apiKeyId ?? 0, this.config.userCap || null, this.config.keyCap || null);
    if (counts.userCap !== null && counts.user >= counts.userCap) {
      throw new RelayRejection(
        HttpStatus.TOO_MANY_REQUESTS,
        ReturnCode.QUEUE_REJECTED,
        '队列已满，请稍后尝试',
        `Your per-user cap is reached: ${counts.user} tasks queued or running, at most ${counts.userCap}; wait for some to finish`,
      );
    }
    if (counts.keyCap !== null && counts.key >= counts.keyCap) {
      throw new RelayRejection(
        HttpStatus.TOO_MANY_REQUESTS,
        ReturnCode.QUEUE_REJECTED,
        '队列已满，请稍后尝试',
        `This API key's cap is reached: ${counts.key} tasks queued or running, at most ${counts.keyCap}; wait for some to finish`,
      );
    }
  }

  /**
   * The candidates (in their order) that have room now and nobody queued ahead for them: a new task never overtakes
   * queued ones. None: the task waits in the gateway's queue.
   */
  async withRoom(candidates: Channel[]): Promise<Channel[]> {
    const open = await this.tasks.channelsWithRoom(candidates.map((channel) => ({ id: channel.id, capacity: capacityOf(channel) })));
    return candidates.filter((channel) => open.has(channel.id));
  }

  request(plan: SubmitPlan, channelId: number, baseUrl: string): QueuedRequest {
    return {
      path: plan.upstreamPath,
      body: plan.body,
      channelId,
      runMs: this.config.deadlineMs(plan.action),
      queueDeadlineAt: Date.now() + this.config.queueDeadlineMs,
      baseUrl,
    };
  }

  /** The protocol's "queued" answer (code 22), with the gateway's id and how many wait ahead. */
  async queuedAnswer(id: number, mjId: string): Promise<SubmitResultVO> {
    const position = (await this.tasks.queuePlaces([id])).get(id)?.queuePosition ?? 1;
    const ahead = position - 1;
    return {
      code: ReturnCode.IN_QUEUE,
      description: `排队中，前面还有${ahead}个任务`,
      result: mjId,
      properties: { numberOfQueues: ahead },
    };
  }

  /** Where each queued task among these stands (fetch, list-by-condition). */
  places(tasks: Pick<Task, 'id' | 'queued'>[]): Promise<Map<number, QueuePlace>> {
    return this.tasks.queuePlaces(tasks.filter((task) => task.queued).map((task) => task.id));
  }

  /** The upstream's "queue full" (code 23, or TA's code 9 saying so): the task waits at the gateway instead. */
  isBusy(answer: SubmitResultVO): boolean {
    if (answer.code === ReturnCode.QUEUE_REJECTED) return true;
    return answer.code === ReturnCode.FAILURE && BUSY.test(answer.description ?? '');
  }
}
