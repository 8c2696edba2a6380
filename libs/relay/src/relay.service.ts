import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyQuotaExceededError, BillingService, InsufficientQuotaError } from '@app/billing';
import { Channel, ChannelRepository, NotifyTokens, UpstreamClient, UpstreamError } from '@app/channels';
import { appConfig, type AuthUser, TaskEvents } from '@app/core';
import { Task } from '@app/mj';
import { ReturnCode, type SubmitResultVO, ValidationMessage } from '@app/mj-protocol';
import { channelOrder } from './channel-order';
import { relayConfig } from './config/relay.config';
import { invalid, parentMissing, parentNotReady, RelayRejection } from './relay.errors';
import { planSubmit, SpeedMode, SubmitPlan, SubmitRoute } from './submit-plan';

/** Where the request came from: its speed prefix and the gateway's address as the client reached it. */
export interface RelayContext {
  mode?: SpeedMode;
  baseUrl: string;
}

type Attempt = { channel: Channel; answer: SubmitResultVO } | { channel: Channel | null; error: string };

const ACCEPTED = new Set<number>([ReturnCode.SUCCESS, ReturnCode.IN_QUEUE, ReturnCode.EXISTED]);
// The first poll comes on the next tick: progress shows from the start.
const FIRST_POLL_DELAY_MS = 0;

/**
 * The submit path of the relay: validate, pick the channel (the parent's for follow-ups), hold the price, call the
 * upstream, then capture (accepted) or release (refused) in the transaction that records the outcome.
 */
@Injectable()
export class RelayService {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly em: EntityManager,
    private readonly billing: BillingService,
    private readonly upstream: UpstreamClient,
    private readonly channels: ChannelRepository,
    private readonly notify: NotifyTokens,
    private readonly events: TaskEvents,
    @Inject(relayConfig.KEY) private readonly config: ConfigType<typeof relayConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  async submit(auth: AuthUser, route: SubmitRoute, body: unknown, context: RelayContext): Promise<unknown> {
    const plan = planSubmit(route, body, {
      imageLimitBytes: this.config.imageLimitBytes,
      allowNotifyHook: this.config.allowNotifyHook,
      allowAccountFilter: this.config.allowAccountFilter,
      mode: context.mode,
    });
    const parent = plan.parentMjId ? await this.parentOf(auth, plan) : null;
    const candidates = parent ? [await this.channelOf(parent)] : channelOrder(await this.channels.findEnabled());
    if (!candidates.length) {
      throw new RelayRejection(HttpStatus.SERVICE_UNAVAILABLE, ReturnCode.NOT_FOUND, '无可用的账号实例', 'No upstream channel is enabled');
    }
    const price = await this.billing.priceOf(plan.action);
    const recording = plan.route === 'modal' ? this.recordConfirm(auth, plan, parent!, price) : this.recordPending(auth, plan, parent, candidates[0].id, price);
    const task = await recording.catch((error: unknown) => {
      if (error instanceof InsufficientQuotaError || error instanceof ApiKeyQuotaExceededError) {
        throw new RelayRejection(HttpStatus.PAYMENT_REQUIRED, ReturnCode.VALIDATION_ERROR, '余额不足', error.message);
      }
      throw error;
    });
    const attempt = await this.forward(plan, candidates, !parent, this.app.PUBLIC_URL ?? context.baseUrl);
    // Watchers (the console's live lists) learn of the task once its outcome is committed, not at the first poll.
    const announce = (channelId: number, mjId: string, status: string, progress = '') =>
      this.events.publish([{ id: task.id, user_id: task.userId, channel_id: channelId, mj_id: mjId, action: task.action, status, progress, at: Date.now() }]);
    if ('error' in attempt) {
      const channelId = attempt.channel?.id ?? candidates[0].id;
      await this.settleRefused(task.id, channelId, 0, attempt.error);
      announce(channelId, task.mjId, 'FAILURE');
      throw new RelayRejection(HttpStatus.BAD_GATEWAY, ReturnCode.FAILURE, '提交失败，上游不可用', `No upstream took the task: ${attempt.error}`);
    }
    const { channel, answer } = attempt;
    if (ACCEPTED.has(answer.code) && (typeof answer.result === 'string' || Array.isArray(answer.result))) {
      const settled = await this.settleAccepted(task.id, plan, channel, answer);
      if (settled) announce(channel.id, settled.mjId, settled.status, settled.progress);
    } else {
      await this.settleRefused(task.id, channel.id, answer.code, answer.description || `upstream code ${answer.code}`);
      announce(channel.id, task.mjId, 'FAILURE');
    }
    return answer;
  }

  /** Follow-ups resolve against the caller's own tasks only; someone else's id is "not found". */
  private async parentOf(auth: AuthUser, plan: SubmitPlan): Promise<Task> {
    const parent = await this.em.findOne(Task, { userId: auth.id, mjId: plan.parentMjId! }, { orderBy: { id: 'DESC' } });
    if (!parent) throw parentMissing(plan.parentMjId!);
    if (plan.parentStatus && parent.status !== plan.parentStatus) throw parentNotReady(parent.mjId, parent.status);
    if (plan.customId && parent.buttons.length && !parent.buttons.some((b) => b.customId === plan.customId)) {
      throw invalid(ValidationMessage.UNKNOWN_ACTION, `Task ${parent.mjId} has no button ${plan.customId.slice(0, 80)}`);
    }
    return parent;
  }

  private async channelOf(parent: Task): Promise<Channel> {
    const channel = await this.channels.findLive(parent.channelId);
    if (!channel || !channel.enabled) {
      throw new RelayRejection(HttpStatus.SERVICE_UNAVAILABLE, ReturnCode.NOT_FOUND, '账号不可用',
        `The channel of task ${parent.mjId} is disabled or deleted; follow-ups must go to it`);
    }
    return channel;
  }

  /** Tries channels in order; moves on after a transport error, a 5xx or code 3, when there is a choice. */
  private async forward(plan: SubmitPlan, candidates: Channel[], mayFailOver: boolean, baseUrl: string): Promise<Attempt> {
    let last: Attempt = { channel: null, error: 'no channel tried' };
    for (const [i, channel] of candidates.entries()) {
      const isLast = i === candidates.length - 1 || !mayFailOver;
      try {
        // With callbacks on, the upstream reports to us (our notifyHook wins over a client's).
        const body = channel.notifyEnabled ? { ...plan.body, notifyHook: this.notify.hookUrl(baseUrl, channel.id) } : plan.body;
        const answer = await this.upstream.submit(channel, plan.upstreamPath, body);
        if (answer.code === ReturnCode.NOT_FOUND && !isLast) {
          this.logger.warn(`channel ${channel.id} has no account (code 3); trying the next`);
          continue;
        }
        return { channel, answer };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        last = { channel, error: `channel ${channel.id}: ${error.message}` };
        this.logger.warn(`submit to channel ${channel.id} failed: ${error.message}`);
        if (!error.retryable || isLast) return last;
      }
    }
    return last;
  }

  private recordPending(auth: AuthUser, plan: SubmitPlan, parent: Task | null, channelId: number, price: number): Promise<Task> {
    const now = Date.now();
    return this.em.transactional(async (tx) => {
      const task = tx.create(Task, {
        userId: auth.id,
        apiKeyId: auth.apiKeyId ?? 0,
        channelId,
        parentId: parent?.id ?? 0,
        action: plan.action,
        prompt: plan.prompt || parent?.prompt || '',
        promptEn: plan.prompt || parent?.promptEn || '',
        state: plan.state,
        submitTime: now,
        deadlineAt: now + this.config.deadlineMs(plan.action),
        nextPollAt: now + FIRST_POLL_DELAY_MS,
      });
      await tx.flush();
      await this.billing.hold(tx, { userId: auth.id, apiKeyId: auth.apiKeyId, taskId: task.id, amount: price, reason: `${plan.action} submitted` });
      return task;
    });
  }

  /** A modal confirm continues its MODAL task (same row, same upstream id), held a second time for the confirm. */
  private recordConfirm(auth: AuthUser, plan: SubmitPlan, modal: Task, price: number): Promise<Task> {
    return this.em.transactional(async (tx) => {
      const claimed = await tx.nativeUpdate(Task, { id: modal.id, status: 'MODAL' }, {
        status: 'NOT_START',
        nextPollAt: Date.now(),
        ...(plan.prompt ? { prompt: plan.prompt, promptEn: plan.prompt } : {}),
        updatedAt: Date.now(),
      });
      if (!claimed) throw parentNotReady(modal.mjId, 'no longer MODAL');
      await this.billing.hold(tx, { userId: auth.id, apiKeyId: auth.apiKeyId, taskId: modal.id, amount: price, reason: 'MODAL confirmed' });
      return modal;
    });
  }

  /** The task as recorded, or null when it was dropped as a duplicate of one we already have. */
  private async settleAccepted(
    taskId: number,
    plan: SubmitPlan,
    channel: Channel,
    answer: SubmitResultVO,
  ): Promise<{ mjId: string; status: string; progress: string } | null> {
    const now = Date.now();
    const upload = plan.route === 'upload-discord-images';
    const mjId = upload ? '' : String(answer.result);
    const status = upload ? 'SUCCESS' : answer.code === ReturnCode.EXISTED ? 'MODAL' : 'NOT_START';
    const progress = upload ? '100%' : '';
    return this.em.transactional(async (tx) => {
      if (mjId) {
        const existing = await tx.count(Task, { channelId: channel.id, mjId, id: { $ne: taskId } });
        if (existing) {
          // The upstream answered with a task we already have (OSS "already exists"): never charge twice.
          await this.billing.giveBack(tx, taskId, 'release', 'the upstream task already existed');
          await tx.nativeDelete(Task, { id: taskId });
          return null;
        }
      }
      await tx.nativeUpdate(Task, { id: taskId }, {
        mjId,
        channelId: channel.id,
        submitCode: answer.code,
        status,
        progress,
        properties: answer.properties ?? {},
        imageUrls: upload ? (answer.result as unknown as string[]) : [],
        finishTime: upload ? now : 0,
        updatedAt: now,
      });
      await this.billing.capture(tx, taskId);
      return { mjId, status, progress };
    });
  }

  private async settleRefused(taskId: number, channelId: number, code: number, reason: string): Promise<void> {
    const now = Date.now();
    await this.em.transactional(async (tx) => {
      await tx.nativeUpdate(Task, { id: taskId }, {
        channelId,
        submitCode: code,
        status: 'FAILURE',
        failReason: reason.slice(0, 1000),
        finishTime: now,
        updatedAt: now,
      });
      await this.billing.giveBack(tx, taskId, 'release', `refused by the upstream: ${reason}`.slice(0, 500));
    });
  }
}
