import fc from 'fast-check';
import type { TaskChanges } from '@app/mj';
import { TASK_STATUSES, type TaskStatus } from '@app/mj-protocol';
import { applyUpstream, type TaskState } from './state-rules';

const NOW = 1_800_000_000_000;

function stored(overrides: Partial<TaskState> = {}): TaskState {
  return {
    status: 'IN_PROGRESS',
    progress: '40%',
    imageUrl: 'https://cdn.example/grid_0.webp',
    imageUrls: [],
    videoUrl: '',
    videoUrls: [],
    promptEn: 'a fox',
    description: '/imagine a fox',
    failReason: '',
    buttons: [],
    properties: {},
    startTime: NOW - 5000,
    ...overrides,
  };
}

/** What the task looks like after a transition (the columns the writer would set). */
function after(state: TaskState, changes: TaskChanges): TaskState {
  const { finishTime: _finishTime, ...rest } = changes;
  return { ...state, ...rest } as TaskState;
}

describe('applyUpstream: the state rules of polls and callbacks', () => {
  describe('terminal is decided by status, never by the progress text', () => {
    it('keeps a task running when the upstream says 100% without a final status', () => {
      const result = applyUpstream(stored(), { status: 'IN_PROGRESS', progress: '100%' }, NOW);
      expect(result).toEqual({ changes: { progress: '100%' }, terminal: null });
    });

    it('finishes a task on SUCCESS whatever the progress text says, and forces 100%', () => {
      for (const progress of ['', '99%', 'Waiting to start', undefined]) {
        const result = applyUpstream(stored(), { status: 'SUCCESS', progress }, NOW);
        expect(result?.terminal).toBe('SUCCESS');
        expect(result?.changes).toMatchObject({ status: 'SUCCESS', progress: '100%', finishTime: NOW });
      }
    });

    it.each(['FAILURE', 'CANCEL'] as const)('finishes a task on %s', (status) => {
      const result = applyUpstream(stored(), { status, progress: '' }, NOW);
      expect(result).toMatchObject({ terminal: status, changes: { status, finishTime: NOW } });
    });
  });

  describe('a fail reason on an unfinished task makes it FAILURE', () => {
    it.each(['NOT_START', 'SUBMITTED', 'IN_PROGRESS'])('fails a task the upstream still calls %s when it carries a reason', (status) => {
      const result = applyUpstream(stored(), { status, progress: '40%', failReason: '  [Invalid parameter] --ar  ' }, NOW);
      expect(result).toEqual({
        terminal: 'FAILURE',
        changes: { status: 'FAILURE', failReason: '[Invalid parameter] --ar', finishTime: NOW },
      });
    });

    it('ignores a blank fail reason', () => {
      expect(applyUpstream(stored(), { status: 'IN_PROGRESS', progress: '40%', failReason: '   ' }, NOW)).toBeNull();
    });

    it('gives a FAILURE without a reason a reason of its own, and caps a long one at 1000 characters', () => {
      const silent = applyUpstream(stored(), { status: 'FAILURE', failReason: '' }, NOW);
      expect(silent?.changes.failReason).toBe('The upstream reported a failure without a reason');
      const long = applyUpstream(stored(), { status: 'FAILURE', failReason: 'x'.repeat(5000) }, NOW);
      expect(long?.changes.failReason).toHaveLength(1000);
    });

    it('does not turn a SUCCESS into a FAILURE because of a stray reason', () => {
      const result = applyUpstream(stored(), { status: 'SUCCESS', failReason: 'left over' }, NOW);
      expect(result?.terminal).toBe('SUCCESS');
      expect(result?.changes.failReason).toBeUndefined();
    });
  });

  describe('status and progress only move forward', () => {
    it.each([
      ['IN_PROGRESS', 'SUBMITTED'],
      ['IN_PROGRESS', 'NOT_START'],
      ['SUBMITTED', 'NOT_START'],
      ['SUBMITTED', 'MODAL'],
    ] as const)('a %s task ignores a stale %s view', (current, seen) => {
      const result = applyUpstream(
        stored({ status: current }),
        { status: seen, progress: '0%', imageUrl: 'https://cdn.example/old.webp' },
        NOW,
      );
      expect(result).toBeNull();
    });

    it('keeps the progress when a reordered view of the same status is behind', () => {
      const result = applyUpstream(stored({ progress: '60%' }), { status: 'IN_PROGRESS', progress: '40%' }, NOW);
      expect(result).toBeNull();
    });

    it('changes nothing at all for a view behind in progress, not even its older preview', () => {
      const current = stored({ progress: '60%', imageUrl: 'https://cdn.example/grid_60.webp' });
      const result = applyUpstream(current, { status: 'IN_PROGRESS', progress: '40%', imageUrl: 'https://cdn.example/grid_40.webp' }, NOW);
      expect(result).toBeNull();
    });

    it('keeps a numeric progress over a word, and takes a number over a word', () => {
      expect(applyUpstream(stored({ progress: '31%' }), { status: 'IN_PROGRESS', progress: 'Waiting to start' }, NOW)).toBeNull();
      const result = applyUpstream(stored({ progress: 'Waiting to start' }), { status: 'IN_PROGRESS', progress: '12%' }, NOW);
      expect(result?.changes).toEqual({ progress: '12%' });
    });

    it('moves the progress forward with the status', () => {
      const result = applyUpstream(stored({ status: 'SUBMITTED', progress: '0%' }), { status: 'IN_PROGRESS', progress: '7%' }, NOW);
      expect(result).toEqual({ changes: { status: 'IN_PROGRESS', progress: '7%' }, terminal: null });
    });

    it('keeps the stored status for a status it does not know, inherited object keys included', () => {
      for (const status of ['PAUSED', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 42, null]) {
        const result = applyUpstream(stored({ progress: '40%' }), { status, progress: '50%' }, NOW);
        expect([status, result]).toEqual([status, { changes: { progress: '50%' }, terminal: null }]);
      }
    });

    it('ends, from any order of the views of one run, where the newest view says (property)', () => {
      // One run as the upstream reports it: NOT_START, SUBMITTED 0%, IN_PROGRESS at rising percentages, maybe SUCCESS.
      const run = fc
        .record({
          percents: fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 8 }).map((p) => p.sort((a, b) => a - b)),
          succeeds: fc.boolean(),
        })
        .map(({ percents, succeeds }) => {
          const views: Record<string, unknown>[] = [
            { status: 'NOT_START', progress: '' },
            { status: 'SUBMITTED', progress: '0%' },
            ...percents.map((p) => ({ status: 'IN_PROGRESS', progress: `${p}%`, imageUrl: `https://cdn.example/grid_${p}.webp` })),
          ];
          if (succeeds) views.push({ status: 'SUCCESS', progress: '100%', imageUrl: 'https://cdn.example/final.png' });
          return views;
        });
      fc.assert(
        fc.property(
          run.chain((views) => fc.tuple(fc.constant(views), fc.shuffledSubarray(views, { minLength: views.length }))),
          ([views, order]) => {
            let state = stored({ status: 'NOT_START', progress: '', imageUrl: '', startTime: 0 });
            for (const view of order) {
              const result = applyUpstream(state, view, NOW);
              if (result) state = after(state, result.changes);
            }
            const newest = views.at(-1)!;
            expect(state.status).toBe(newest.status);
            expect(state.progress).toBe(newest.progress);
            expect(state.imageUrl).toBe(newest.imageUrl ?? '');
            // Every view seen again now is stale: it changes nothing.
            for (const view of views.slice(0, -1)) expect(applyUpstream(state, view, NOW)).toBeNull();
          },
        ),
      );
    });

    it('never moves a task backwards, whatever the upstream sends (property)', () => {
      const rank = (status: TaskStatus) =>
        ({ NOT_START: 0, MODAL: 0, SUBMITTED: 1, IN_PROGRESS: 2, SUCCESS: 3, FAILURE: 3, CANCEL: 3 })[status];
      const percent = (progress: string) => (/^(\d+)%$/.exec(progress) ? Number(progress.slice(0, -1)) : null);
      const progressText = fc.oneof(
        fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`),
        fc.constantFrom('', 'Waiting to start'),
        fc.string(),
      );
      const status = fc.constantFrom(...TASK_STATUSES.filter((s) => !['SUCCESS', 'FAILURE', 'CANCEL'].includes(s)));
      const view = fc.record(
        {
          status: fc.oneof(fc.constantFrom(...TASK_STATUSES), fc.string(), fc.constant(undefined)),
          progress: fc.oneof(progressText, fc.integer(), fc.constant(null)),
          failReason: fc.oneof(fc.constant(''), fc.string()),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(status, progressText, view, (current, progress, item) => {
          const before = stored({ status: current, progress });
          const result = applyUpstream(before, item, NOW);
          if (!result) return;
          const next = after(before, result.changes);
          expect(TASK_STATUSES).toContain(next.status);
          expect(rank(next.status)).toBeGreaterThanOrEqual(rank(before.status));
          const [was, is] = [percent(before.progress), percent(next.progress)];
          if (next.status === before.status && was !== null) expect(is).not.toBeNull();
          if (next.status === before.status && was !== null) expect(is!).toBeGreaterThanOrEqual(was);
        }),
      );
    });
  });

  describe("times are the gateway's own clock", () => {
    it("starts a task at our now when it first reaches SUBMITTED, ignoring the upstream's times", () => {
      const result = applyUpstream(
        stored({ status: 'NOT_START', progress: '', startTime: 0 }),
        { status: 'SUBMITTED', progress: '0%', startTime: 17, finishTime: 18 },
        NOW,
      );
      expect(result?.changes).toEqual({ status: 'SUBMITTED', progress: '0%', startTime: NOW });
    });

    it('does not start a task that is still queued, and keeps a start time once set', () => {
      expect(
        applyUpstream(stored({ status: 'NOT_START', progress: '', startTime: 0 }), { status: 'NOT_START', startTime: 17 }, NOW),
      ).toBeNull();
      const result = applyUpstream(stored({ startTime: 1234 }), { status: 'SUCCESS', startTime: 17, finishTime: 18 }, NOW);
      expect(result?.changes.startTime).toBeUndefined();
      expect(result?.changes.finishTime).toBe(NOW);
    });

    it('sets a start time on a task that goes from queued straight to its end', () => {
      const result = applyUpstream(
        stored({ status: 'NOT_START', progress: '', startTime: 0 }),
        { status: 'FAILURE', failReason: 'dispatch failed' },
        NOW,
      );
      expect(result?.changes).toMatchObject({ startTime: NOW, finishTime: NOW });
    });
  });

  describe('what is copied from the upstream is sanitised', () => {
    it('takes URL lists of strings or {url} objects, drops anything else and caps every URL', () => {
      const long = `https://cdn.example/${'a'.repeat(3000)}`;
      const result = applyUpstream(
        stored(),
        {
          status: 'IN_PROGRESS',
          imageUrls: [
            'https://cdn.example/0.png',
            { url: 'https://cdn.example/1.png', thumbnail: 't' },
            { url: '' },
            '',
            7,
            null,
            { url: 9 },
          ],
          videoUrls: [{ url: long }, long],
        },
        NOW,
      );
      expect(result?.changes.imageUrls).toEqual(['https://cdn.example/0.png', 'https://cdn.example/1.png']);
      expect(result?.changes.videoUrls).toEqual([long.slice(0, 2000), long.slice(0, 2000)]);
    });

    it('leaves the stored lists alone when the view has none, an empty one, or not a list', () => {
      const current = stored({ imageUrls: ['https://cdn.example/0.png'] });
      for (const imageUrls of [undefined, [], 'https://cdn.example/x.png', { url: 'x' }]) {
        expect(applyUpstream(current, { status: 'IN_PROGRESS', imageUrls }, NOW)).toBeNull();
      }
    });

    it('caps single URLs and texts, and never clears them with an empty value', () => {
      const result = applyUpstream(
        stored(),
        { imageUrl: 'h'.repeat(2500), videoUrl: '', promptEn: 'p'.repeat(9000), description: 'd'.repeat(3000) },
        NOW,
      );
      expect(result?.changes.imageUrl).toHaveLength(2000);
      expect(result?.changes.videoUrl).toBeUndefined();
      expect(result?.changes.promptEn).toHaveLength(8000);
      expect(result?.changes.description).toHaveLength(2000);
      expect(applyUpstream(stored(), { imageUrl: '', promptEn: '', description: null }, NOW)).toBeNull();
    });

    it('keeps buttons with a customId only, at most 50, with capped fields and default type and style', () => {
      const raw = [
        { customId: `MJ::JOB::upsample::1::${'h'.repeat(300)}`, emoji: '🔄'.repeat(20), label: 'L'.repeat(100), type: 'x', style: 3 },
        { emoji: 'no id' },
        null,
        'MJ::JOB::reroll',
        { customId: 5 },
        ...Array.from({ length: 60 }, (_, i) => ({ customId: `MJ::JOB::variation::${i}`, label: `V${i}`, type: 2, style: 2 })),
      ];
      const buttons = applyUpstream(stored(), { status: 'SUCCESS', buttons: raw }, NOW)?.changes.buttons ?? [];
      expect(buttons).toHaveLength(50);
      expect(buttons[0]).toEqual({
        customId: raw[0] && (raw[0] as { customId: string }).customId.slice(0, 200),
        emoji: '🔄'.repeat(8),
        label: 'L'.repeat(64),
        type: 2,
        style: 3,
      });
      expect(buttons[1]).toEqual({ customId: 'MJ::JOB::variation::0', emoji: '', label: 'V0', type: 2, style: 2 });
    });

    it('takes properties up to 20,000 characters of JSON, and only an object', () => {
      const small = { finalPrompt: 'a fox --v 6', messageHash: 'abc' };
      expect(applyUpstream(stored(), { properties: small }, NOW)?.changes.properties).toEqual(small);
      expect(applyUpstream(stored(), { properties: { finalPrompt: 'x'.repeat(20001) } }, NOW)).toBeNull();
      expect(applyUpstream(stored(), { properties: ['a'] }, NOW)).toBeNull();
      expect(applyUpstream(stored(), { properties: 'finalPrompt' }, NOW)).toBeNull();
    });
  });

  describe('answers null when nothing changes', () => {
    it('for the view the task already shows', () => {
      const current = stored({
        buttons: [{ customId: 'MJ::JOB::upsample::1::h', emoji: '', label: 'U1', type: 2, style: 2 }],
        properties: { a: 1 },
      });
      const view = {
        status: current.status,
        progress: current.progress,
        imageUrl: current.imageUrl,
        promptEn: current.promptEn,
        description: current.description,
        buttons: current.buttons,
        properties: { a: 1 },
        startTime: 1,
        submitTime: 2,
      };
      expect(applyUpstream(current, view, NOW)).toBeNull();
    });

    it('for an empty view', () => {
      expect(applyUpstream(stored(), {}, NOW)).toBeNull();
    });

    it("for properties and buttons stored with their keys in jsonb's order, not the upstream's", () => {
      // As PostgreSQL hands jsonb objects back: keys shortest first.
      const current = stored({
        properties: { nonce: '17', messageId: 'm1', notifyHook: 'https://gw.example/notify/mj/1/x', discordInstanceId: '11' },
        buttons: [{ type: 2, emoji: '🔄', label: '', style: 2, customId: 'MJ::JOB::reroll::0::abc::SOLO' }],
      });
      const view = {
        status: current.status,
        progress: current.progress,
        properties: { notifyHook: 'https://gw.example/notify/mj/1/x', discordInstanceId: '11', nonce: '17', messageId: 'm1' },
        buttons: [{ customId: 'MJ::JOB::reroll::0::abc::SOLO', emoji: '🔄', label: '', type: 2, style: 2 }],
      };
      expect(applyUpstream(current, view, NOW)).toBeNull();
      // A value that did change is still seen, however deep.
      const changed = { ...view, properties: { ...view.properties, messageId: 'm2' } };
      expect(applyUpstream(current, changed, NOW)?.changes).toEqual({ properties: changed.properties });
      const fewer = { ...view, properties: { nonce: '17', messageId: 'm1', notifyHook: 'https://gw.example/notify/mj/1/x' } };
      expect(applyUpstream(current, fewer, NOW)?.changes).toEqual({ properties: fewer.properties });
    });
  });

  describe('a finished task never changes', () => {
    it.each(['SUCCESS', 'FAILURE', 'CANCEL'] as const)('ignores every view of a %s task (property)', (status) => {
      const anyView = fc.dictionary(
        fc.constantFrom('status', 'progress', 'failReason', 'imageUrl', 'imageUrls', 'buttons', 'properties', 'promptEn'),
        fc.oneof(fc.constantFrom(...TASK_STATUSES), fc.string(), fc.integer(), fc.array(fc.string()), fc.object()),
      );
      fc.assert(fc.property(anyView, (view) => expect(applyUpstream(stored({ status, progress: '100%' }), view, NOW)).toBeNull()));
    });
  });
});
