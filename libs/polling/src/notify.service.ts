import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ChannelRepository, NotifyTokens } from '@app/channels';
import { BadRequestError, ForbiddenError, NotFoundError } from '@app/core';
import { TaskStore } from '@app/mj';
import { pollingConfig } from './config/polling.config';
import { applyUpstream } from './state-rules';

/**
 * Upstream callbacks (notifyHook): the same state rules as polling, so duplicated, late or reordered callbacks
 * change nothing; only a channel's own tasks, and only with that channel's token.
 */
@Injectable()
export class NotifyService {
  constructor(
    private readonly channels: ChannelRepository,
    private readonly tokens: NotifyTokens,
    private readonly tasks: TaskStore,
    @Inject(pollingConfig.KEY) private readonly config: ConfigType<typeof pollingConfig>,
  ) {}

  async receive(channelId: number, token: string, body: unknown): Promise<{ changed: boolean }> {
    if (!this.tokens.verify(channelId, token) || !(await this.channels.findLive(channelId))) {
      throw new ForbiddenError('Unknown channel or wrong notify token');
    }
    const item = body as Record<string, unknown> | null;
    if (!item || typeof item !== 'object' || Array.isArray(item) || typeof item.id !== 'string' || !item.id) {
      throw new BadRequestError('The body must be a task with a string id');
    }
    const task = await this.tasks.findByUpstreamId(channelId, item.id);
    if (!task) throw new NotFoundError(`Task ${item.id.slice(0, 64)} not found on channel ${channelId}`);
    const now = Date.now();
    const transition = applyUpstream(task, item, now);
    if (!transition) return { changed: false };
    const written = await this.tasks.applyOutcomes(
      [{ task, ...transition, nextPollAt: now + this.config.intervalMs, idlePolls: 0, missedPolls: 0 }],
      now,
    );
    return { changed: written.changed > 0 };
  }
}
