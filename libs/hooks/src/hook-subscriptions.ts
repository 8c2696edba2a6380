import { Injectable } from '@nestjs/common';
import type { AuthUser } from '@app/core';
import { HookEventsRepository } from './hook-events.repository';
import type { HookSubscription } from './hook-outbox';
import { HookTargets } from './hook-targets';

/** Where a submit's callbacks go, decided before the task is recorded. */
@Injectable()
export class HookSubscriptions {
  constructor(
    private readonly events: HookEventsRepository,
    private readonly targets: HookTargets,
  ) {}

  /**
   * The submit's own notifyHook, else its key's default hook; none when neither is set. The target is checked now
   * (HookTargetRefused, a 400, before anything is charged). `origin`: where the submit came to, the base of the links.
   */
  async forSubmit(auth: AuthUser, notifyHook: string | undefined, origin: string): Promise<HookSubscription | undefined> {
    const own = notifyHook?.trim() ?? '';
    const url = own || (auth.apiKeyId ? ((await this.events.keyHook(auth.apiKeyId))?.hookUrl ?? '') : '');
    if (!url) return undefined;
    await this.targets.check(url, own ? 'notifyHook' : "the API key's hook_url");
    return { url, baseUrl: origin };
  }
}
