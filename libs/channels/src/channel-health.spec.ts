import { botOf, missingFor, resolveCapabilities } from './capabilities';
import { verdictOf } from './channel-health.service';
import { UpstreamError } from './upstream-kind';

const answer = (code: number, description = '') => ({ answer: { code, description, result: null, properties: {} } });

describe('what an attempt says of its channel', () => {
  it('counts transport errors, timeouts, 5xx and unreadable answers as failures', () => {
    for (const error of [
      new UpstreamError('transport', 'upstream unreachable (ECONNREFUSED)'),
      new UpstreamError('timeout', 'upstream did not answer within 60000 ms'),
      new UpstreamError('http', 'upstream answered HTTP 502', 502),
      new UpstreamError('garbage', 'upstream answered something that is not JSON', 200),
      new UpstreamError('empty', 'empty answer from upstream', 200),
    ]) {
      expect(verdictOf({ error })).toEqual({ kind: 'failure', reason: error.message });
    }
  });

  it('disables on a refused secret, and says nothing of other 4xx', () => {
    expect(verdictOf({ error: new UpstreamError('http', 'upstream answered HTTP 401', 401) })).toMatchObject({ kind: 'disable' });
    expect(verdictOf({ error: new UpstreamError('http', 'upstream answered HTTP 403', 403) })).toMatchObject({ kind: 'disable' });
    expect(verdictOf({ error: new UpstreamError('http', 'upstream answered HTTP 404', 404) })).toEqual({ kind: 'neutral' });
  });

  it("counts code 3 and account refusals, never a user's own bad request or a missing parent", () => {
    expect(verdictOf(answer(3, '无可用的账号实例'))).toMatchObject({ kind: 'failure' });
    expect(verdictOf(answer(9, 'account disabled'))).toMatchObject({ kind: 'failure' });
    expect(verdictOf(answer(9, 'Your account is banned.'))).toMatchObject({ kind: 'failure' });
    expect(verdictOf(answer(3, '关联任务不存在或已失效'))).toEqual({ kind: 'neutral' });
    expect(verdictOf(answer(4, 'prompt不能为空'))).toEqual({ kind: 'neutral' });
    expect(verdictOf(answer(24, '可能包含敏感词'))).toEqual({ kind: 'neutral' });
    expect(verdictOf(answer(1, '提交成功'))).toEqual({ kind: 'neutral' });
    expect(verdictOf(answer(22, '排队中'))).toEqual({ kind: 'neutral' });
  });
});

describe('capabilities', () => {
  it('lets a new channel do everything', () => {
    expect(missingFor({}, { action: 'VIDEO_EXTEND', mode: 'turbo', bot: 'niji' })).toBeNull();
    expect(resolveCapabilities(undefined).modes).toEqual(['fast', 'relax', 'turbo']);
  });

  it('names what a channel lacks: the action, then the mode, then the bot', () => {
    const stills = { actions: ['imagine' as const, 'upscale' as const], modes: ['fast' as const], bots: ['mj' as const] };
    expect(missingFor(stills, { action: 'VIDEO', mode: 'fast', bot: 'mj' })).toBe('video');
    expect(missingFor(stills, { action: 'UPSCALE_HD', mode: 'relax', bot: 'mj' })).toBe('relax mode');
    expect(missingFor(stills, { action: 'IMAGINE', mode: 'fast', bot: 'niji' })).toBe('niji bot');
    expect(missingFor(stills, { action: 'MODAL', mode: 'fast', bot: 'mj' })).toBeNull();
  });

  it("reads the bot from TA's botType", () => {
    expect(botOf({ botType: 'NIJI_JOURNEY' })).toBe('niji');
    expect(botOf({ botType: 'niji' })).toBe('niji');
    expect(botOf({ botType: 'MID_JOURNEY' })).toBe('mj');
    expect(botOf({})).toBe('mj');
  });
});
