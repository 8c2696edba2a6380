import { HttpStatus } from '@nestjs/common';
import { DEFAULT_PRICES } from '@app/billing';
import { ReturnCode, ValidationMessage } from '@app/mj-protocol';
import { planSubmit, type PlanOptions, type SubmitRoute } from './submit-plan';
import { RelayRejection } from './relay.errors';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const OPTIONS: PlanOptions = { imageLimitBytes: 10 * 1024 * 1024, allowAccountFilter: false };

const plan = (route: SubmitRoute, body: unknown, options: Partial<PlanOptions> = {}) => planSubmit(route, body, { ...OPTIONS, ...options });

/** What a client reads of a refusal: the HTTP status, the protocol's code and description, and the message. */
function refusal(route: SubmitRoute, body: unknown, options: Partial<PlanOptions> = {}) {
  try {
    plan(route, body, options);
  } catch (error) {
    if (!(error instanceof RelayRejection)) throw error;
    const extra = error.extra as { code: number; description: string };
    return { status: error.status, code: extra.code, description: extra.description, message: error.message };
  }
  throw new Error(`${route} ${JSON.stringify(body)} was accepted`);
}

/** A data URL whose decoded image is exactly `bytes` long (with the base64 padding that length needs). */
const imageOf = (bytes: number) => `data:image/png;base64,${Buffer.alloc(bytes, 7).toString('base64')}`;

/** One body per route and kind of plan, with what its plan must say. */
const ROUTES: [SubmitRoute, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'imagine',
    { prompt: 'a red fox' },
    { upstreamPath: '/mj/submit/imagine', action: 'IMAGINE', prompt: 'a red fox', parentMjId: undefined },
  ],
  [
    'change',
    { taskId: '171', action: 'UPSCALE', index: 2 },
    { upstreamPath: '/mj/submit/change', action: 'UPSCALE', parentMjId: '171', parentStatus: 'SUCCESS' },
  ],
  ['change', { taskId: '171', action: 'VARIATION', index: 4 }, { action: 'VARIATION', parentMjId: '171' }],
  ['change', { taskId: '171', action: 'REROLL' }, { action: 'REROLL', parentMjId: '171' }],
  [
    'simple-change',
    { content: '171 U3' },
    { upstreamPath: '/mj/submit/simple-change', action: 'UPSCALE', parentMjId: '171', parentStatus: 'SUCCESS' },
  ],
  ['simple-change', { content: '  171   v1 ' }, { action: 'VARIATION', parentMjId: '171' }],
  ['simple-change', { content: '171 R' }, { action: 'REROLL', parentMjId: '171' }],
  [
    'action',
    { taskId: '171', customId: 'MJ::JOB::upsample::1::h' },
    {
      upstreamPath: '/mj/submit/action',
      action: 'UPSCALE',
      parentMjId: '171',
      parentStatus: 'SUCCESS',
      customId: 'MJ::JOB::upsample::1::h',
    },
  ],
  [
    'modal',
    { taskId: '172', prompt: 'a fox --zoom 1.5' },
    { upstreamPath: '/mj/submit/modal', action: 'MODAL', parentMjId: '172', parentStatus: 'MODAL', prompt: 'a fox --zoom 1.5' },
  ],
  ['modal', { taskId: '172' }, { action: 'MODAL', prompt: '' }],
  ['describe', { base64: PNG }, { upstreamPath: '/mj/submit/describe', action: 'DESCRIBE', parentMjId: undefined }],
  ['describe', { link: 'https://example.com/a.png' }, { action: 'DESCRIBE' }],
  ['blend', { base64Array: [PNG, PNG], dimensions: 'LANDSCAPE' }, { upstreamPath: '/mj/submit/blend', action: 'BLEND' }],
  ['shorten', { prompt: 'a very long prompt' }, { upstreamPath: '/mj/submit/shorten', action: 'SHORTEN', prompt: 'a very long prompt' }],
  [
    'video',
    { prompt: 'a fox running', motion: 'low' },
    { upstreamPath: '/mj/submit/video', action: 'VIDEO', parentMjId: undefined, parentStatus: undefined },
  ],
  ['video', { taskId: '171', action: 'extend', index: 0 }, { action: 'VIDEO_EXTEND', parentMjId: '171', parentStatus: 'SUCCESS' }],
  ['video', { image: 'https://example.com/first.png' }, { action: 'VIDEO' }],
  ['edits', { prompt: 'make it night', image: PNG }, { upstreamPath: '/mj/submit/edits', action: 'EDIT', prompt: 'make it night' }],
  ['upload-discord-images', { base64Array: [PNG] }, { upstreamPath: '/mj/submit/upload-discord-images', action: 'UPLOAD' }],
  ['swap-face', { sourceBase64: PNG, targetBase64: PNG }, { upstreamPath: '/mj/insight-face/swap', action: 'SWAP_FACE' }],
  ['swap-face', { sourceUrl: 'https://example.com/s.png', targetUrl: 'https://example.com/t.png' }, { action: 'SWAP_FACE' }],
];

/** Every kind of button the gateway routes, with the action it bills. */
const BUTTONS: [string, string][] = [
  ['MJ::JOB::upsample::2::h', 'UPSCALE'],
  ['MJ::JOB::upsample_v6_2x_subtle::1::h::SOLO', 'UPSCALE_HD'],
  ['MJ::JOB::variation::1::h', 'VARIATION'],
  ['MJ::JOB::low_variation::1::h::SOLO', 'LOW_VARIATION'],
  ['MJ::JOB::high_variation::1::h::SOLO', 'HIGH_VARIATION'],
  ['MJ::JOB::pan_left::1::h::SOLO', 'PAN'],
  ['MJ::JOB::reroll::0::h::SOLO', 'REROLL'],
  ['MJ::JOB::animate_high::1::h::SOLO', 'VIDEO'],
  ['MJ::Outpaint::50::1::h::SOLO', 'ZOOM'],
  ['MJ::CustomZoom::h', 'CUSTOM_ZOOM'],
  ['MJ::Inpaint::1::h::SOLO', 'INPAINT'],
  ['MJ::Job::PicReader::1', 'PIC_READER'],
  ['MJ::Picread::Retry', 'DESCRIBE'],
];

describe('planSubmit: validating a relay submit and planning it', () => {
  describe('every route: its upstream path, its billed action, its parent', () => {
    it.each(ROUTES)('%s %j', (route, body, expected) => {
      const result = plan(route, body);
      expect({ parentMjId: undefined, parentStatus: undefined, ...result }).toMatchObject({ route, ...expected });
      expect(result.body).toMatchObject(body);
    });

    it.each(BUTTONS)('bills the button %s as %s', (customId, action) => {
      expect(plan('action', { taskId: '171', customId }).action).toBe(action);
    });
  });

  it('bills every action it plans at a price the admin sees in /api/prices', () => {
    const actions = new Set([...ROUTES.map(([route, body]) => plan(route, body).action), ...BUTTONS.map(([, action]) => action)]);
    expect([...actions].filter((action) => !(action in DEFAULT_PRICES))).toEqual([]);
  });

  describe('speed modes (/mj-fast, /mj-relax, /mj-turbo)', () => {
    it.each<[SubmitRoute, Record<string, unknown>]>([
      ['imagine', { prompt: 'a cat' }],
      ['modal', { taskId: '1', prompt: 'a cat' }],
      ['video', { prompt: 'a cat' }],
      ['edits', { prompt: 'a cat', image: PNG }],
    ])('appends the flag to the %s prompt that goes upstream', (route, body) => {
      for (const mode of ['fast', 'relax', 'turbo'] as const) {
        const result = plan(route, body, { mode });
        expect(result.prompt).toBe(`a cat --${mode}`);
        expect(result.body.prompt).toBe(`a cat --${mode}`);
      }
    });

    it('keeps a speed the prompt already names, and adds none without a mode', () => {
      expect(plan('imagine', { prompt: 'a cat --relax --ar 3:2' }, { mode: 'fast' }).body.prompt).toBe('a cat --relax --ar 3:2');
      expect(plan('imagine', { prompt: '--turbo a cat' }, { mode: 'fast' }).body.prompt).toBe('--turbo a cat');
      expect(plan('imagine', { prompt: 'a cat --fastest' }, { mode: 'fast' }).body.prompt).toBe('a cat --fastest --fast');
      expect(plan('imagine', { prompt: 'a cat' }).body.prompt).toBe('a cat');
    });

    it('adds no flag to a modal or video without a prompt, nor to a shorten (its prompt is the text analysed)', () => {
      expect(plan('modal', { taskId: '1' }, { mode: 'fast' }).body.prompt).toBeUndefined();
      expect(plan('video', { taskId: '1' }, { mode: 'fast' }).body.prompt).toBeUndefined();
      expect(plan('shorten', { prompt: 'a cat' }, { mode: 'fast' }).body.prompt).toBe('a cat');
    });
  });

  describe('notifyHook, accountFilter and the rest of the body', () => {
    const body = {
      prompt: 'a cat',
      notifyHook: 'https://client.example/hook',
      accountFilter: { modes: ['FAST'] },
      botType: 'NIJI_JOURNEY',
      state: 's1',
    };

    it('drops notifyHook and accountFilter unless the admin allows them, passing everything else on', () => {
      const result = plan('imagine', body);
      expect(result.body).toEqual({ prompt: 'a cat', botType: 'NIJI_JOURNEY', state: 's1' });
      expect(result.state).toBe('s1');
    });

    it('keeps notifyHook for the gateway: the upstream never sees it', () => {
      expect(plan('imagine', body).notifyHook).toBe(body.notifyHook);
      expect(plan('imagine', body).body).not.toHaveProperty('notifyHook');
    });

    it('passes accountFilter through when allowed', () => {
      expect(plan('imagine', body, { allowAccountFilter: true }).body).toEqual({
        prompt: 'a cat',
        accountFilter: body.accountFilter,
        botType: 'NIJI_JOURNEY',
        state: 's1',
      });
    });

    it('never changes the body the client sent', () => {
      const sent = structuredClone(body);
      plan('imagine', sent, { mode: 'fast' });
      expect(sent).toEqual(body);
    });
  });

  describe("refusals carry the protocol's code 4 and description, with HTTP 400", () => {
    it.each<[string, SubmitRoute, unknown, string, RegExp?]>([
      ['a body that is not an object', 'imagine', [{ prompt: 'x' }], '请求体错误'],
      ['a null body', 'imagine', null, '请求体错误'],
      ['a string body', 'imagine', 'prompt', '请求体错误'],
      [
        'a state over 255 characters',
        'imagine',
        { prompt: 'x', state: 's'.repeat(256) },
        'State参数过长，最大255字符',
        /state must be at most 255/,
      ],
      ['a state that is not a string', 'imagine', { prompt: 'x', state: 42 }, 'state参数错误', /state must be a string/],
      ['an imagine without a prompt', 'imagine', {}, ValidationMessage.PROMPT_EMPTY, /prompt is required/],
      ['an imagine with a blank prompt', 'imagine', { prompt: ' \n ' }, ValidationMessage.PROMPT_EMPTY],
      ['an imagine whose prompt is not text', 'imagine', { prompt: 7 }, 'prompt参数错误'],
      [
        'a reference image that is not a data URL',
        'imagine',
        { prompt: 'x', base64Array: ['https://example.com/a.png'] },
        ValidationMessage.BASE64_FORMAT,
        /base64Array must be|base64Array\[0\]/,
      ],
      ['reference images that are not a list', 'imagine', { prompt: 'x', base64Array: PNG }, ValidationMessage.BASE64_FORMAT],
      [
        'a deprecated base64 that is not a data URL',
        'imagine',
        { prompt: 'x', base64: 'iVBORw0KGgo' },
        ValidationMessage.BASE64_FORMAT,
        /base64 must be a data URL/,
      ],
      ['a change without a taskId', 'change', { action: 'UPSCALE', index: 1 }, ValidationMessage.TASK_ID_EMPTY],
      ['a change with an unknown action', 'change', { taskId: '1', action: 'ZOOM', index: 1 }, ValidationMessage.ACTION_INVALID],
      ['a change whose action is an Object key', 'change', { taskId: '1', action: 'toString', index: 1 }, ValidationMessage.ACTION_INVALID],
      ['a change whose action is __proto__', 'change', { taskId: '1', action: '__proto__', index: 1 }, ValidationMessage.ACTION_INVALID],
      [
        'an UPSCALE without an index',
        'change',
        { taskId: '1', action: 'UPSCALE' },
        ValidationMessage.ACTION_INVALID,
        /index must be 1, 2, 3 or 4/,
      ],
      ['a VARIATION with index 5', 'change', { taskId: '1', action: 'VARIATION', index: 5 }, ValidationMessage.ACTION_INVALID],
      ['an UPSCALE with index 0', 'change', { taskId: '1', action: 'UPSCALE', index: 0 }, ValidationMessage.ACTION_INVALID],
      ['an UPSCALE with index "1"', 'change', { taskId: '1', action: 'UPSCALE', index: '1' }, ValidationMessage.ACTION_INVALID],
      ['a simple-change without content', 'simple-change', {}, ValidationMessage.CONTENT_INVALID],
      ['a simple-change for U5', 'simple-change', { content: '171 U5' }, ValidationMessage.CONTENT_INVALID],
      ['a simple-change without a task', 'simple-change', { content: 'U1' }, ValidationMessage.CONTENT_INVALID],
      ['an action without a taskId', 'action', { customId: 'MJ::JOB::upsample::1::h' }, ValidationMessage.TASK_ID_EMPTY],
      ['an action without a customId', 'action', { taskId: '1' }, ValidationMessage.UNKNOWN_ACTION],
      [
        'an action with a button the gateway does not know',
        'action',
        { taskId: '1', customId: 'MJ::BOOKMARK::h' },
        ValidationMessage.UNKNOWN_ACTION,
        /not a button the gateway knows/,
      ],
      ['a modal without a taskId', 'modal', { prompt: 'x' }, ValidationMessage.TASK_ID_EMPTY],
      ['a modal whose mask is not a data URL', 'modal', { taskId: '1', maskBase64: 'mask' }, ValidationMessage.BASE64_FORMAT, /maskBase64/],
      ['a describe with neither image nor link', 'describe', {}, ValidationMessage.BASE64_EMPTY],
      ['a describe with a broken image', 'describe', { base64: 'data:image/png,raw' }, ValidationMessage.BASE64_FORMAT],
      ['a blend of one image', 'blend', { base64Array: [PNG] }, ValidationMessage.BASE64_LIST, /2 to 5/],
      ['a blend of six images', 'blend', { base64Array: Array(6).fill(PNG) }, ValidationMessage.BASE64_LIST],
      ['a blend without images', 'blend', {}, ValidationMessage.BASE64_LIST],
      ['a blend with unknown dimensions', 'blend', { base64Array: [PNG, PNG], dimensions: 'WIDE' }, ValidationMessage.DIMENSIONS_INVALID],
      ['a shorten without a prompt', 'shorten', { prompt: '' }, ValidationMessage.PROMPT_EMPTY],
      ['a video with nothing to animate', 'video', { motion: 'high' }, ValidationMessage.PROMPT_EMPTY, /prompt, image or taskId/],
      [
        'a video whose end image is neither URL nor data URL',
        'video',
        { prompt: 'x', endImage: 'ftp://x/y.png' },
        ValidationMessage.BASE64_FORMAT,
        /endImage/,
      ],
      ['an edits without a prompt', 'edits', { image: PNG }, ValidationMessage.PROMPT_EMPTY],
      ['an edits without an image', 'edits', { prompt: 'x' }, ValidationMessage.BASE64_EMPTY],
      ['an edits whose image is neither URL nor data URL', 'edits', { prompt: 'x', image: 'picture' }, ValidationMessage.BASE64_FORMAT],
      ['an upload of no images', 'upload-discord-images', { base64Array: [] }, ValidationMessage.BASE64_EMPTY],
      [
        'an upload with a bad image',
        'upload-discord-images',
        { base64Array: [PNG, 'x'] },
        ValidationMessage.BASE64_FORMAT,
        /base64Array\[1\]/,
      ],
      ['a face swap without a target', 'swap-face', { sourceBase64: PNG }, ValidationMessage.BASE64_EMPTY],
      [
        'a face swap with a bad source',
        'swap-face',
        { sourceBase64: 'x', targetBase64: PNG },
        ValidationMessage.BASE64_FORMAT,
        /sourceBase64/,
      ],
    ])('%s', (_name, route, body, description, ...[message]) => {
      const refused = refusal(route, body);
      expect(refused).toMatchObject({ status: HttpStatus.BAD_REQUEST, code: ReturnCode.VALIDATION_ERROR, description });
      if (message) expect(refused.message).toMatch(message);
    });
  });

  describe('the per-image limit (413, naming the field and the sizes)', () => {
    const limit = 3001;

    it.each([3001, 3000, 2999])('accepts an image of %i bytes under a limit of 3001, whatever its padding', (bytes) => {
      expect(plan('imagine', { prompt: 'x', base64Array: [imageOf(bytes)] }, { imageLimitBytes: limit }).action).toBe('IMAGINE');
    });

    it.each([3002, 3003, 3004])('refuses an image of %i bytes', (bytes) => {
      const refused = refusal('imagine', { prompt: 'x', base64Array: [PNG, imageOf(bytes)] }, { imageLimitBytes: limit });
      expect(refused).toMatchObject({ status: HttpStatus.PAYLOAD_TOO_LARGE, code: ReturnCode.VALIDATION_ERROR, description: 'base64过大' });
      expect(refused.message).toBe('base64Array[1] is 0.0 MB; the limit is 0.0 MB per image');
    });

    it('names the sizes in megabytes, for every image field', () => {
      const big = imageOf(3 * 1024 * 1024);
      const limitBytes = 2 * 1024 * 1024;
      expect(refusal('describe', { base64: big }, { imageLimitBytes: limitBytes }).message).toBe(
        'base64 is 3.0 MB; the limit is 2.0 MB per image',
      );
      for (const [route, body, field] of [
        ['blend', { base64Array: [PNG, big] }, 'base64Array[1]'],
        ['modal', { taskId: '1', maskBase64: big }, 'maskBase64'],
        ['video', { prompt: 'x', image: big }, 'image'],
        ['edits', { prompt: 'x', image: big }, 'image'],
        ['upload-discord-images', { base64Array: [big] }, 'base64Array[0]'],
        ['swap-face', { sourceBase64: PNG, targetBase64: big }, 'targetBase64'],
      ] as const) {
        expect([route, refusal(route, body, { imageLimitBytes: limitBytes })]).toEqual([
          route,
          expect.objectContaining({ status: HttpStatus.PAYLOAD_TOO_LARGE, message: `${field} is 3.0 MB; the limit is 2.0 MB per image` }),
        ]);
      }
    });

    it('does not count a linked image against the limit', () => {
      expect(plan('edits', { prompt: 'x', image: `https://example.com/${'a'.repeat(5000)}.png` }, { imageLimitBytes: 10 }).action).toBe(
        'EDIT',
      );
    });
  });
});
