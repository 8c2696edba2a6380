import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ChannelRepository, UpstreamClient, UpstreamError } from '@app/channels';
import type { AuthUser } from '@app/core';
import { type QueuePlace, type Task, TaskStore } from '@app/mj';
import { ReturnCode, type SubmitResultVO, type Task as ProtocolTask } from '@app/mj-protocol';
import { MediaUrls } from '@app/proxy';
import { relayConfig } from './config/relay.config';
import { invalid, RelayRejection } from './relay.errors';
import { GatewayQueue } from './gateway-queue';
import { toProtocolTask } from './task-view';

const taskMissing = (id: string) =>
  new RelayRejection(HttpStatus.NOT_FOUND, ReturnCode.NOT_FOUND, '任务不存在', `Task ${id.slice(0, 64)} not found`);

/** fetch and list-by-condition answer from the gateway's own database, only ever the caller's tasks. */
@Injectable()
export class RelayTasksService {
  constructor(
    private readonly tasks: TaskStore,
    private readonly channels: ChannelRepository,
    private readonly upstream: UpstreamClient,
    @Inject(relayConfig.KEY) private readonly config: ConfigType<typeof relayConfig>,
    private readonly media: MediaUrls,
    private readonly queue: GatewayQueue,
  ) {}

  /** `origin`: where the caller reached us, the base of media links when PUBLIC_URL is unset. */
  async fetch(auth: AuthUser, mjId: string, origin: string): Promise<ProtocolTask> {
    const task = await this.own(auth, mjId);
    return this.view(task, this.media.base(origin), (await this.queue.places([task])).get(task.id));
  }

  async listByCondition(auth: AuthUser, body: unknown, origin: string): Promise<ProtocolTask[]> {
    const ids = (body as { ids?: unknown } | null)?.ids;
    if (ids === undefined || ids === null) return [];
    // Strings as the protocol has them, or numbers as web clients send them (Dooy's list-by-condition).
    const valid = (id: unknown) =>
      (typeof id === 'string' && id.length <= 64) || (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0);
    if (!Array.isArray(ids) || !ids.every(valid)) {
      throw invalid('ids参数错误', 'ids must be an array of task ids (strings or integer numbers)');
    }
    if (ids.length > this.config.maxIds) throw invalid('ids参数错误', `ids may hold at most ${this.config.maxIds} ids`);
    if (!ids.length) return [];
    const tasks = await this.tasks.findOwnedMany(auth.id, [...new Set(ids.map(String))]);
    const base = this.media.base(origin);
    const places = await this.queue.places(tasks);
    return tasks.map((task) => this.view(task, base, places.get(task.id)));
  }

  /** A task as fetch answers it to a caller who reached us at `origin` (also the body of its callbacks). */
  viewAt(task: Task, origin: string): ProtocolTask {
    return this.view(task, this.media.base(origin));
  }

  /** The owner cancels a task still queued at the gateway: CANCEL and a full refund; anything else is a 409 or 404. */
  async cancel(auth: AuthUser, mjId: string, origin: string): Promise<SubmitResultVO & { task: ProtocolTask }> {
    const { task, status } = await this.tasks.cancelQueued(auth.id, mjId);
    if (!task && !status) throw taskMissing(mjId);
    if (!task) {
      throw new RelayRejection(
        HttpStatus.CONFLICT,
        ReturnCode.VALIDATION_ERROR,
        '任务无法取消',
        `Task ${mjId.slice(0, 64)} is ${status}: only a task still queued at the gateway can be cancelled`,
      );
    }
    return {
      code: ReturnCode.SUCCESS,
      description: '取消成功',
      result: task.mjId,
      properties: {},
      task: this.view(task, this.media.base(origin)),
    };
  }

  private view(task: Task, base: string, place?: QueuePlace): ProtocolTask {
    const media = this.media.links(
      {
        id: task.id,
        mjId: task.mjId,
        status: task.status,
        action: task.action,
        progress: task.progress,
        imageUrl: task.imageUrl,
        imageUrls: task.imageUrls ?? [],
        videoUrl: task.videoUrl,
        videoUrls: task.videoUrls ?? [],
        linkEpoch: task.linkEpoch,
      },
      base,
      'client',
    );
    return toProtocolTask(task, media, place);
  }

  /** The task's durable media links die; later answers carry new ones. */
  async revokeLinks(auth: AuthUser, mjId: string): Promise<SubmitResultVO> {
    const task = await this.own(auth, mjId);
    await this.tasks.revokeLinks(task.id, auth.id);
    return { code: ReturnCode.SUCCESS, description: 'Success', result: task.mjId, properties: {} };
  }

  /** Passed to the task's own channel with that channel's secret. */
  async imageSeed(auth: AuthUser, mjId: string): Promise<{ status: number; body: unknown }> {
    const task = await this.own(auth, mjId);
    if (!task.upstreamId) throw invalid('任务尚未开始', `Task ${mjId.slice(0, 64)} has not been sent upstream yet: it has no seed`);
    const channel = await this.channels.findLive(task.channelId);
    if (!channel)
      throw new RelayRejection(
        HttpStatus.SERVICE_UNAVAILABLE,
        ReturnCode.NOT_FOUND,
        '账号不可用',
        `The channel of task ${mjId} was deleted`,
      );
    try {
      return await this.upstream.imageSeed(channel, task.upstreamId);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      throw new RelayRejection(HttpStatus.BAD_GATEWAY, ReturnCode.FAILURE, '上游不可用', `The upstream did not answer: ${error.message}`);
    }
  }

  private async own(auth: AuthUser, mjId: string): Promise<Task> {
    const task = await this.tasks.findOwned(auth.id, mjId);
    if (!task) throw taskMissing(mjId);
    return task;
  }
}
