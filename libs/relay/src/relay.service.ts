import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ApiKeyQuotaExceededError, InsufficientQuotaError } from '@app/billing';
import {
  botOf,
  Channel,
  ChannelHealth,
  ChannelRepository,
  NotifyTokens,
  type TaskNeed,
  UpstreamClient,
  UpstreamError,
  verdictOf,
} from '@app/channels';
import { type AuthUser, PublicUrl } from '@app/core';
import { HookSubscriptions, type HookSubscription, HookTargetRefused } from '@app/hooks';
import { MediaUrls } from '@app/proxy';
import { type QueuedRequest, type Task, TaskStore } from '@app/mj';
import { ReturnCode, type SubmitResultVO, ValidationMessage, withoutUpstreamIds } from '@app/mj-protocol';
import { channelOrder } from './channel-order';
import { GatewayQueue } from './gateway-queue';
import { relayConfig } from './config/relay.config';
import { invalid, parentMissing, parentNotReady, RelayRejection } from './relay.errors';
import { taskMode } from './speed-mode';
import { SubmitChecks } from './submit-checks';
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
 * The submit path of the relay: validate, pick the channel (the parent's for follow-ups), record the task with its
 * hold, call the upstream, then record the outcome (captured when accepted, released when refused). The task row and
 * its events are the TaskStore's; this decides what happens, in a few explicit statements.
 */
@Injectable()
export class RelayService {
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly tasks: TaskStore,
    private readonly upstream: UpstreamClient,
    private readonly channels: ChannelRepository,
    private readonly notify: NotifyTokens,
    private readonly publicUrl: PublicUrl,
    @Inject(relayConfig.KEY) private readonly config: ConfigType<typeof relayConfig>,
    private readonly media: MediaUrls,
    private readonly queue: GatewayQueue,
    private readonly checks: SubmitChecks,
    private readonly hooks: HookSubscriptions,
    private readonly health: ChannelHealth,
  ) {}

  async submit(auth: AuthUser, route: SubmitRoute, body: unknown, context: RelayContext): Promise<unknown> {
    const plan = planSubmit(route, body, {
      imageLimitBytes: this.config.imageLimitBytes,
      allowAccountFilter: this.config.allowAccountFilter,
      mode: context.mode,
    });
    const parent = plan.parentMjId ? await this.parentOf(auth, plan) : null;
    // Extension point: the submit checks may refuse (nothing held, nothing sent) or rewrite the prompt.
    await this.checks.run(auth, plan);
    const need: TaskNeed = {
      action: plan.action,
      mode: taskMode(context.mode, plan.prompt, auth.defaultMode ?? this.config.defaultMode),
      bot: botOf(plan.body),
    };
    const candidates = parent ? [await this.channelOf(parent, need)] : await this.eligible(need);
    const hook = await this.hookOf(auth, plan, context);
    // The gateway's queue: within the caps, a task no channel has room for waits here (code 22) instead of bouncing.
    const upstreamPlan = this.queue.forUpstream(plan, parent);
    const modal = plan.route === 'modal';
    if (!modal) await this.queue.checkCaps(auth);
    const open = modal ? candidates : await this.queue.withRoom(candidates);
    const baseUrl = this.publicUrl.base(context.baseUrl);
    const queued = open.length ? undefined : this.queue.request(upstreamPlan, parent?.channelId ?? 0, baseUrl);
    const { id, mjId, held } = await this.record(auth, plan, parent, (open[0] ?? candidates[0]).id, need.mode, hook, queued).catch(
      (error: unknown) => {
        if (error instanceof InsufficientQuotaError || error instanceof ApiKeyQuotaExceededError) {
          throw new RelayRejection(HttpStatus.PAYMENT_REQUIRED, ReturnCode.VALIDATION_ERROR, '余额不足', error.message);
        }
        throw error;
      },
    );
    if (queued) return this.queue.queuedAnswer(id, mjId);
    const attempt = await this.forward(upstreamPlan, open, !parent, baseUrl);
    if ('error' in attempt) {
      await this.tasks.recordRefused(id, attempt.channel?.id ?? candidates[0].id, 0, attempt.error);
      throw new RelayRejection(
        HttpStatus.BAD_GATEWAY,
        ReturnCode.FAILURE,
        '提交失败，上游不可用',
        `No upstream took the task: ${attempt.error}`,
      );
    }
    const { channel, answer } = attempt;
    if (!modal && this.queue.isBusy(answer)) {
      await this.tasks.requeue(id, this.queue.request(upstreamPlan, parent?.channelId ?? 0, baseUrl));
      return this.queue.queuedAnswer(id, mjId);
    }
    if (ACCEPTED.has(answer.code) && (typeof answer.result === 'string' || Array.isArray(answer.result))) {
      const upload = plan.route === 'upload-discord-images';
      // An upload has no upstream task: its images are served by our id.
      const imageUrls = upload ? (answer.result as unknown as unknown[]).filter((url): url is string => typeof url === 'string') : [];
      const recorded = await this.tasks.recordAccepted(id, held, {
        channelId: channel.id,
        upstreamId: upload ? '' : String(answer.result),
        submitCode: answer.code,
        status: upload ? 'SUCCESS' : answer.code === ReturnCode.EXISTED ? 'MODAL' : 'NOT_START',
        progress: upload ? '100%' : '',
        properties: answer.properties ?? {},
        imageUrls,
        finishTime: upload ? Date.now() : 0,
      });
      if (upload) return { ...this.whiteLabel(answer), result: await this.uploadLinks(id, context.baseUrl) };
      // The client holds the gateway's id, never the upstream's; an upstream task we already had keeps its own.
      const existing = recorded ? null : await this.tasks.findByUpstreamId(channel.id, String(answer.result));
      return { ...this.whiteLabel(answer), result: recorded ? mjId : existing?.userId === auth.id ? existing.mjId : null };
    }
    await this.tasks.recordRefused(id, channel.id, answer.code, answer.description || `upstream code ${answer.code}`);
    return { ...this.whiteLabel(answer), result: null };
  }

  /** The upstream's answer as the client sees it: the gateway stands where the upstream would, so its ids stay here. */
  private whiteLabel(answer: SubmitResultVO): SubmitResultVO {
    return answer.properties ? { ...answer, properties: withoutUpstreamIds(answer.properties) } : answer;
  }

  /** The gateway's links to an upload's images (`/mj/image/upload-<id>/<n>`), in the upstream's order. */
  private async uploadLinks(id: number, baseUrl: string): Promise<string[]> {
    const task = await this.tasks.findMedia(id);
    return task ? this.media.links(task, this.media.base(baseUrl), 'client').imageUrls : [];
  }

  /** Follow-ups resolve against the caller's own tasks only; someone else's id is "not found". */
  private async parentOf(auth: AuthUser, plan: SubmitPlan): Promise<Task> {
    const parent = await this.tasks.findOwned(auth.id, plan.parentMjId!);
    if (!parent) throw parentMissing(plan.parentMjId!);
    if (plan.parentStatus && parent.status !== plan.parentStatus) throw parentNotReady(parent.mjId, parent.status);
    if (plan.customId && parent.buttons.length && !parent.buttons.some((b) => b.customId === plan.customId)) {
      throw invalid(ValidationMessage.UNKNOWN_ACTION, `Task ${parent.mjId} has no button ${plan.customId.slice(0, 80)}`);
    }
    return parent;
  }

  /** The channels a new task may go to, in the order to try them; refused (before any charge) when there are none. */
  private async eligible(need: TaskNeed): Promise<Channel[]> {
    const { channels, refusal } = await this.health.eligible(need);
    if (!channels.length) throw new RelayRejection(HttpStatus.SERVICE_UNAVAILABLE, ReturnCode.NOT_FOUND, '无可用的账号实例', refusal!);
    return channelOrder(channels);
  }

  private async channelOf(parent: Task, need: TaskNeed): Promise<Channel> {
    const channel = await this.channels.findLive(parent.channelId);
    const refusal = channel
      ? this.health.refusalFor(channel, need)
      : `The channel of task ${parent.mjId} is deleted; follow-ups must go to it`;
    if (refusal) throw new RelayRejection(HttpStatus.SERVICE_UNAVAILABLE, ReturnCode.NOT_FOUND, '账号不可用', refusal);
    return channel!;
  }

  /**
   * Tries channels in order; moves on after a transport error, a 5xx, a refused secret or code 3, when there is a
   * choice. Each outcome is told to the channel's breaker; a channel pacing its submits is passed over. The dispatcher
   * sends queued tasks through here too.
   */
  async forward(
    plan: Pick<SubmitPlan, 'upstreamPath' | 'body'>,
    candidates: Channel[],
    mayFailOver: boolean,
    baseUrl: string,
  ): Promise<Attempt> {
    let last: Attempt = { channel: null, error: 'no channel tried' };
    for (const [i, channel] of candidates.entries()) {
      const isLast = i === candidates.length - 1 || !mayFailOver;
      try {
        // With callbacks on, the upstream reports to us (our notifyHook wins over a client's).
        const body = channel.notifyEnabled ? { ...plan.body, notifyHook: this.notify.hookUrl(baseUrl, channel.id) } : plan.body;
        if (!(await this.health.claimSlot(channel))) {
          last = { channel, error: `channel ${channel.id} is pacing its submits (least gap or daily cap)` };
          if (isLast) return last;
          continue;
        }
        const answer = await this.upstream.submit(channel, plan.upstreamPath, body);
        await this.health.recordOutcome(channel, { answer });
        if (answer.code === ReturnCode.NOT_FOUND && !isLast) {
          this.logger.warn(`channel ${channel.id} has no account (code 3); trying the next`);
          continue;
        }
        return { channel, answer };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        await this.health.recordOutcome(channel, { error });
        last = { channel, error: `channel ${channel.id}: ${error.message}` };
        this.logger.warn(`submit to channel ${channel.id} failed: ${error.message}`);
        if ((!error.retryable && verdictOf({ error }).kind !== 'disable') || isLast) return last;
      }
    }
    return last;
  }

  /** Where the task's callbacks go (the submit's notifyHook, else the key's default): refused targets are a 400 here, before any hold. */
  private async hookOf(auth: AuthUser, plan: SubmitPlan, context: RelayContext): Promise<HookSubscription | undefined> {
    try {
      return await this.hooks.forSubmit(auth, plan.notifyHook, context.baseUrl);
    } catch (error) {
      if (error instanceof HookTargetRefused) throw invalid('notifyHook参数错误', error.message);
      throw error;
    }
  }

  /** The task with its hold; a modal confirm continues its MODAL task (same row, same upstream id), held again. */
  private async record(
    auth: AuthUser,
    plan: SubmitPlan,
    parent: Task | null,
    channelId: number,
    mode: SpeedMode,
    hook?: HookSubscription,
    queue?: QueuedRequest,
  ): Promise<{ id: number; mjId: string; held: number }> {
    if (plan.route === 'modal') {
      // A confirm continues its task: it changes where callbacks go only when it names its own notifyHook.
      const hookOfConfirm = plan.notifyHook ? hook : undefined;
      const held = await this.tasks.confirmModal(parent!, auth.apiKeyId ?? 0, plan.prompt, plan.originalPrompt, hookOfConfirm);
      if (held === null) throw parentNotReady(parent!.mjId, 'no longer MODAL');
      return { id: parent!.id, mjId: parent!.mjId, held };
    }
    const now = Date.now();
    return this.tasks.createHeld({
      userId: auth.id,
      apiKeyId: auth.apiKeyId ?? 0,
      channelId,
      parentId: parent?.id ?? 0,
      action: plan.action,
      prompt: plan.prompt || parent?.prompt || '',
      promptEn: plan.prompt || parent?.promptEn || '',
      originalPrompt: plan.originalPrompt,
      state: plan.state,
      submitTime: now,
      deadlineAt: queue ? queue.queueDeadlineAt : now + this.config.deadlineMs(plan.action),
      nextPollAt: now + FIRST_POLL_DELAY_MS,
      holdReason: `${plan.action} submitted`,
      mode,
      hook,
      queue,
    });
  }
}
