import type { Channel } from '@app/channels';
import type { Task, TaskStore } from '@app/mj';
import type { RelayConfig } from './config/relay.config';
import { capacityOf, GatewayQueue } from './gateway-queue';
import { planSubmit } from './submit-plan';

const OPTIONS = { imageLimitBytes: 1024 * 1024, allowNotifyHook: false, allowAccountFilter: false };
// forUpstream and isBusy read neither the store nor the config.
const queue = new GatewayQueue(null as unknown as TaskStore, {} as RelayConfig);
const parent = { id: 7, mjId: '5123456789012345', upstreamId: '1712345678901234' } as Task;

describe('GatewayQueue', () => {
  it("names a follow-up's parent by the upstream's id, never the gateway's", () => {
    const action = queue.forUpstream(planSubmit('action', { taskId: parent.mjId, customId: 'MJ::JOB::upsample::1::abc' }, OPTIONS), parent);
    expect(action.body.taskId).toBe(parent.upstreamId);
    const simple = queue.forUpstream(planSubmit('simple-change', { content: `${parent.mjId} U2` }, OPTIONS), parent);
    expect(simple.body.content).toBe(`${parent.upstreamId} U2`);
    const numeric = queue.forUpstream(planSubmit('change', { taskId: Number(parent.mjId), action: 'UPSCALE', index: 1 }, OPTIONS), parent);
    expect(numeric.body.taskId).toBe(parent.upstreamId);
    const imagine = planSubmit('imagine', { prompt: 'a fox' }, OPTIONS);
    expect(queue.forUpstream(imagine, null)).toBe(imagine);
  });

  it('reads "queue full" as code 23, or TA\'s code 9 saying so; nothing else', () => {
    expect(queue.isBusy({ code: 23, description: '队列已满，请稍后尝试', result: null, properties: {} })).toBe(true);
    expect(queue.isBusy({ code: 9, description: '提交失败，队列已满，请稍后重试', result: null, properties: {} })).toBe(true);
    expect(queue.isBusy({ code: 9, description: '提交失败，系统异常', result: null, properties: {} })).toBe(false);
    expect(queue.isBusy({ code: 24, description: '可能包含敏感词', result: null, properties: {} })).toBe(false);
  });

  it('sizes a channel as max_running + max_queued, or no limit when max_running is 0', () => {
    expect(capacityOf({ maxRunning: 3, maxQueued: 10 } as Channel)).toBe(13);
    expect(capacityOf({ maxRunning: 0, maxQueued: 10 } as Channel)).toBeNull();
  });
});
