import { Injectable } from '@nestjs/common';
import { hookSecretOf } from '@app/auth';
import { type AuthUser, ConflictError, NotFoundError, pageWindow, Secrets } from '@app/core';
import {
  HookDeliveryDto,
  HookDeliveryPageDto,
  HookSecretDto,
  HookTestDto,
  KeyHookDto,
  ListHookDeliveriesQuery,
  SetKeyHookDto,
  toHookDeliveryDto,
} from './dto/hooks.dto';
import { HookEventsRepository } from './hook-events.repository';
import { HookSender } from './hook-sender.service';
import { HookTargetRefused, HookTargets } from './hook-targets';

/** The task a test event carries: shaped like a finished task, named so nobody mistakes it for one. */
const testTask = (url: string) => ({
  id: 0,
  mj_id: 'hook-test',
  action: 'IMAGINE',
  status: 'SUCCESS',
  progress: '100%',
  prompt: 'a test event from the gateway',
  prompt_en: 'a test event from the gateway',
  description: 'Sent by POST /api/tokens/{id}/hook-test',
  state: '',
  image_url: '',
  image_urls: [],
  video_url: '',
  video_urls: [],
  buttons: [],
  properties: { hookUrl: url },
  fail_reason: '',
  submit_time: Date.now(),
  start_time: Date.now(),
  finish_time: Date.now(),
});

/** The delivery log, redelivery and a key's hook settings. */
@Injectable()
export class HooksService {
  constructor(
    private readonly events: HookEventsRepository,
    private readonly targets: HookTargets,
    private readonly sender: HookSender,
    private readonly secrets: Secrets,
  ) {}

  async list(auth: AuthUser, query: ListHookDeliveriesQuery): Promise<HookDeliveryPageDto> {
    const { page, pageSize, offset } = pageWindow(query);
    const { items, total } = await this.events.list(
      { userId: auth.role === 'admin' ? undefined : auth.id, mjId: query.task_id, state: query.status },
      pageSize,
      offset,
    );
    return { items: items.map(toHookDeliveryDto), total, page, page_size: pageSize };
  }

  async redeliver(auth: AuthUser, id: number): Promise<HookDeliveryDto> {
    const owner = auth.role === 'admin' ? undefined : auth.id;
    if (!(await this.events.find(id, owner))) throw new NotFoundError(`Delivery ${id} not found`);
    if (!(await this.events.redeliver(id, owner))) throw new ConflictError(`Delivery ${id} is being sent right now; try again shortly`);
    this.sender.kick();
    return toHookDeliveryDto((await this.events.find(id, owner))!);
  }

  async setKeyHook(auth: AuthUser, keyId: number, dto: SetKeyHookDto): Promise<KeyHookDto> {
    const url = dto.hook_url.trim();
    if (url) await this.targets.check(url, 'hook_url');
    if (!(await this.events.setKeyHook(auth.id, keyId, url))) throw new NotFoundError(`API key ${keyId} not found`);
    return { id: keyId, hook_url: url };
  }

  async rotateSecret(auth: AuthUser, keyId: number): Promise<HookSecretDto> {
    const version = await this.events.rotateSecret(auth.id, keyId);
    if (version === null) throw new NotFoundError(`API key ${keyId} not found`);
    return { id: keyId, hook_secret: hookSecretOf(this.secrets, keyId, version) };
  }

  async sendTest(auth: AuthUser, keyId: number, dto: HookTestDto, origin: string): Promise<HookDeliveryDto> {
    const key = await this.events.keyHook(keyId, auth.id);
    if (!key) throw new NotFoundError(`API key ${keyId} not found`);
    const url = dto.url?.trim() || key.hookUrl;
    if (!url) throw new HookTargetRefused('This key has no hook_url: set one, or pass url', 'url');
    await this.targets.check(url, 'url');
    const id = await this.events.insertTest(auth.id, keyId, url, origin, testTask(url));
    this.sender.kick();
    return toHookDeliveryDto((await this.events.find(id))!);
  }
}
