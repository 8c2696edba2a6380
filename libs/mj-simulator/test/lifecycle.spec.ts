import type { Task } from '@app/mj-protocol';
import { PNG } from 'pngjs';
import { DATA_URL, PNG_MAGIC, Sim, call } from './helpers';

describe('mj-simulator: task lifecycle', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await Sim.start({ taskMs: 500, coreSize: 20, queueSize: 50 });
  });
  afterAll(() => sim.close());

  it('runs an imagine through NOT_START, SUBMITTED, IN_PROGRESS steps and SUCCESS with buttons and a real PNG grid', async () => {
    // One worker, so the observed task deterministically waits NOT_START behind the first one.
    const single = await Sim.start({ taskMs: 1500, coreSize: 1 });
    try {
      await lifecycleOf(single);
    } finally {
      await single.close();
    }
  });

  async function lifecycleOf(one: Sim): Promise<void> {
    await one.imagine('the task ahead');
    const answer = await one.call('/mj/submit/imagine', { body: { prompt: 'a red fox in snow --ar 3:2 --v 6', state: 'u42' } });
    // OSS counts the waiting tasks before the add: the first one to wait still gets code 1.
    expect(answer.text).toMatch(/^\{"code":1,"description":"提交成功","result":"\d{16}","properties":\{"discordInstanceId":"\d+"\}\}$/);
    const id = (answer.json as { result: string }).result;

    const first = await one.fetch(id);
    expect(first).toMatchObject({ id, action: 'IMAGINE', status: 'NOT_START', progress: null, startTime: null, state: 'u42' });
    expect(Number.isInteger(first?.submitTime)).toBe(true);

    const { task, seen } = await one.until(id, (t) => t.status === 'SUCCESS');
    const statuses = [...new Set(seen.map((t) => t.status))];
    expect(statuses).toEqual(['NOT_START', 'SUBMITTED', 'IN_PROGRESS', 'SUCCESS']);
    const progress = seen.filter((t) => t.status === 'IN_PROGRESS').map((t) => t.progress);
    expect(progress[0]).toBe('0%');
    expect(progress.length).toBeGreaterThanOrEqual(4);
    const percents = progress.map((p) => Number(/^(\d+)%$/.exec(p ?? '')?.[1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const previews = seen.filter((t) => t.status === 'IN_PROGRESS' && t.imageUrl).map((t) => t.imageUrl);
    expect(new Set(previews).size).toBe(previews.length);
    expect(previews.length).toBeGreaterThanOrEqual(3);

    expect(task).toMatchObject({ status: 'SUCCESS', progress: '100%', failReason: null, prompt: 'a red fox in snow --ar 3:2 --v 6' });
    expect(task.finishTime).toBeGreaterThanOrEqual(task.startTime as number);
    const hash = task.properties.messageHash as string;
    expect(hash).toMatch(/^[0-9a-f-]{36}$/);
    expect(task.properties).toMatchObject({
      finalPrompt: 'a red fox in snow --ar 3:2 --v 6',
      discordInstanceId: expect.any(String),
      messageId: expect.stringMatching(/^\d+$/),
    });
    expect(task.buttons?.map((b) => b.label || b.emoji)).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
    expect(task.buttons?.[0]).toEqual({ customId: `MJ::JOB::upsample::1::${hash}`, emoji: '', label: 'U1', type: 2, style: 2 });
    expect(task.buttons?.[4].customId).toBe(`MJ::JOB::reroll::0::${hash}::SOLO`);

    const image = await call(task.imageUrl as string);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    const png = PNG.sync.read(image.bytes);
    expect(png.width / png.height).toBeCloseTo(1.5, 1);
    const at = (x: number, y: number): string => png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3).join(',');
    const quadrants = [at(10, 10), at(png.width - 10, 10), at(10, png.height - 10), at(png.width - 10, png.height - 10)];
    expect(new Set(quadrants).size).toBe(4);

    const preview = await call(previews[0] as string);
    expect(preview.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
  }

  it('makes each task a different image', async () => {
    const [a, b] = await Promise.all([sim.imagine('same prompt'), sim.imagine('same prompt')]);
    const [ta, tb] = await Promise.all([sim.finished(a), sim.finished(b)]);
    const [ia, ib] = await Promise.all([call(ta.task.imageUrl as string), call(tb.task.imageUrl as string)]);
    expect(ia.bytes.equals(ib.bytes)).toBe(false);
  });

  async function succeeded(prompt = 'a lighthouse'): Promise<Task> {
    return (await sim.until(await sim.imagine(prompt), (t) => t.status === 'SUCCESS')).task;
  }

  it('upscales with /submit/action into a single image with the v6 button set', async () => {
    const grid = await succeeded();
    const u2 = grid.buttons?.find((b) => b.label === 'U2');
    const vo = await sim.submit('action', { taskId: grid.id, customId: u2?.customId });
    expect(vo.code).toBe(1);
    const { task } = await sim.until(vo.result as string, (t) => t.status === 'SUCCESS');
    expect(task).toMatchObject({ action: 'UPSCALE', description: `/up ${grid.id} U2`, prompt: grid.prompt });
    const labels = task.buttons?.map((b) => b.label) ?? [];
    expect(labels).toEqual(
      expect.arrayContaining([
        'Upscale (Subtle)',
        'Upscale (Creative)',
        'Vary (Subtle)',
        'Vary (Strong)',
        'Vary (Region)',
        'Zoom Out 2x',
        'Custom Zoom',
      ]),
    );
    const hash = task.properties.messageHash as string;
    expect(task.buttons?.map((b) => b.customId)).toEqual(
      expect.arrayContaining([
        `MJ::CustomZoom::${hash}`,
        `MJ::Inpaint::1::${hash}::SOLO`,
        `MJ::JOB::pan_left::1::${hash}::SOLO`,
        `MJ::Outpaint::50::1::${hash}::SOLO`,
      ]),
    );
    // The upscale is the grid's second quadrant: its colour is the grid's top-right colour.
    const single = PNG.sync.read((await call(task.imageUrl as string)).bytes);
    const parent = PNG.sync.read((await call(grid.imageUrl as string)).bytes);
    const pixel = (png: PNG, x: number, y: number): number[] => [
      ...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3),
    ];
    const centre = pixel(single, single.width >> 1, single.height >> 1);
    const [w, h] = [parent.width, parent.height];
    const quadrants = [
      pixel(parent, w >> 2, h >> 2),
      pixel(parent, (3 * w) >> 2, h >> 2),
      pixel(parent, w >> 2, (3 * h) >> 2),
      pixel(parent, (3 * w) >> 2, (3 * h) >> 2),
    ];
    const distance = (a: number[], b: number[]): number => a.reduce((sum, c, i) => sum + (c - b[i]) ** 2, 0);
    const nearest = quadrants.map((q) => distance(q, centre)).reduce((best, d, i, all) => (d < all[best] ? i : best), 0);
    expect(nearest).toBe(1);
  });

  it('supports OSS change and simple-change, and rejects an unknown customId', async () => {
    const grid = await succeeded();
    const change = await sim.submit('change', { taskId: grid.id, action: 'VARIATION', index: 3 });
    expect(change.code).toBe(1);
    expect((await sim.fetch(change.result as string))?.description).toBe(`/up ${grid.id} V3`);
    const simple = await sim.submit('simple-change', { content: `${grid.id} U1` });
    expect(simple.code).toBe(1);
    const reroll = await sim.submit('simple-change', { content: `${grid.id} R` });
    expect((await sim.fetch(reroll.result as string))?.action).toBe('REROLL');
    const unknown = await sim.submit('action', { taskId: grid.id, customId: 'MJ::JOB::upsample::9::nope' });
    expect(unknown).toEqual({ code: 4, description: '未知的 Action 类型', result: null, properties: {} });
  });

  it('answers code 21 for Custom Zoom with a MODAL task that waits for /submit/modal', async () => {
    const grid = await succeeded('a castle');
    const upscale = await sim.submit('action', { taskId: grid.id, customId: grid.buttons?.[0].customId });
    const up = (await sim.until(upscale.result as string, (t) => t.status === 'SUCCESS')).task;
    const zoom = up.buttons?.find((b) => b.customId.startsWith('MJ::CustomZoom::'));
    const answer = await sim.call('/mj/submit/action', { body: { taskId: up.id, customId: zoom?.customId } });
    expect(answer.text).toMatch(/^\{"code":21,"description":"窗口等待","result":"\d{16}"/);
    const modalId = (answer.json as { result: string }).result;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await sim.fetch(modalId)).toMatchObject({ status: 'MODAL', action: 'ZOOM', progress: null });

    const confirmed = await sim.submit('modal', { taskId: modalId, prompt: 'a castle --zoom 1.5' });
    expect(confirmed).toMatchObject({ code: 1, result: modalId });
    const { task } = await sim.until(modalId, (t) => t.status === 'SUCCESS');
    expect(task.prompt).toBe('a castle --zoom 1.5');
    expect(task.buttons?.[0].label).toBe('U1');
    expect((await sim.submit('modal', { taskId: modalId })).code).toBe(4);

    const inpaint = up.buttons?.find((b) => b.customId.startsWith('MJ::Inpaint::'));
    const vary = await sim.submit('action', { taskId: up.id, customId: inpaint?.customId });
    expect(vary.code).toBe(21);
    expect((await sim.submit('modal', { taskId: vary.result, maskBase64: DATA_URL })).code).toBe(1);
    expect((await sim.finished(vary.result as string)).task.status).toBe('SUCCESS');
  });

  it('describes into four prompts and shortens into an analysis', async () => {
    const describe = await sim.submit('describe', { base64: DATA_URL });
    const { task } = await sim.until(describe.result as string, (t) => t.status === 'SUCCESS');
    expect(task.description).toBe(`/describe ${task.id}.png`);
    expect(task.properties.finalPrompt).toMatch(/^1️⃣ .+\n\n2️⃣ .+\n\n3️⃣ .+\n\n4️⃣ .+$/);
    expect(task.prompt).toBe(task.properties.finalPrompt);
    expect((await call(task.imageUrl as string)).bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    const pick = await sim.submit('action', { taskId: task.id, customId: 'MJ::Job::PicReader::2' });
    expect((await sim.fetch(pick.result as string))?.prompt).toBe(String(task.properties.finalPrompt).split('\n\n')[1].slice(4));

    const shorten = await sim.submit('shorten', { prompt: 'a very detailed majestic red fox sitting in deep snow --ar 3:2' });
    const short = (await sim.until(shorten.result as string, (t) => t.status === 'SUCCESS')).task;
    expect(short.action).toBe('SHORTEN');
    expect(short.properties.finalPrompt).toContain('Shortened prompts');
    expect(short.imageUrl).toBeNull();
  });

  it('blends 2..5 images and sets the prompt to the uploaded links once running', async () => {
    const vo = await sim.submit('blend', { base64Array: [DATA_URL, DATA_URL], dimensions: 'LANDSCAPE' });
    const { task } = await sim.until(vo.result as string, (t) => t.status === 'SUCCESS');
    expect(task.action).toBe('BLEND');
    expect(task.description).toBe(`/blend ${task.id} 2`);
    expect(task.prompt).toMatch(/^<https:\/\/s\.mj\.run\/\S+> <https:\/\/s\.mj\.run\/\S+> --v 6$/);
  });

  it('makes a VIDEO task whose videoUrl serves the shipped MP4, with ranges', async () => {
    const vo = await sim.submit('video', { prompt: 'waves', image: DATA_URL, motion: 'low' });
    const { task } = await sim.until(vo.result as string, (t) => t.status === 'SUCCESS');
    expect(task.action).toBe('VIDEO');
    expect(task.videoUrls).toEqual([{ url: task.videoUrl }]);
    const video = await call(task.videoUrl as string);
    expect(video.headers['content-type']).toBe('video/mp4');
    expect(video.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(video.bytes.length).toBeGreaterThan(1000);
    const part = await call(task.videoUrl as string, { headers: { range: 'bytes=4-7' } });
    expect(part.status).toBe(206);
    expect(part.text).toBe('ftyp');
    expect(part.headers['content-range']).toBe(`bytes 4-7/${video.bytes.length}`);
  });

  it('serves edits, face swap and Discord uploads', async () => {
    const edit = await sim.submit('edits', { prompt: 'make it blue', image: 'https://example.com/a.png' });
    expect((await sim.finished(edit.result as string)).task).toMatchObject({ action: 'EDIT', status: 'SUCCESS' });
    const swap = await sim.call('/mj/insight-face/swap', { body: { sourceBase64: DATA_URL, targetUrl: 'https://example.com/t.png' } });
    const swapped = (await sim.finished((swap.json as { result: string }).result)).task;
    expect(swapped).toMatchObject({ action: 'SWAP_FACE', status: 'SUCCESS', buttons: [] });
    const upload = await sim.submit('upload-discord-images', { base64Array: [DATA_URL, DATA_URL] });
    expect(upload.code).toBe(1);
    const urls = upload.result as unknown as string[];
    expect(urls).toHaveLength(2);
    expect((await call(urls[1])).bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
  });

  it('answers the image seed, cancels, lists, and accepts the /mj-fast, /mj-relax and /mj-turbo prefixes', async () => {
    const grid = await succeeded();
    const seed = await sim.call(`/mj/task/${grid.id}/image-seed`);
    expect(seed.json).toEqual({ code: 1, description: '成功', result: expect.stringMatching(/^\d+$/) });
    expect((await sim.call('/mj/task/1234567890123456/image-seed')).status).toBe(404);

    const running = await sim.imagine('to be cancelled');
    const cancel = await sim.call(`/mj/task/${running}/cancel`, { method: 'POST' });
    expect(cancel).toMatchObject({ status: 200, text: '' });
    expect(await sim.fetch(running)).toMatchObject({ status: 'FAILURE', failReason: '取消任务', progress: '' });

    for (const speed of ['fast', 'relax', 'turbo']) {
      const answer = await sim.call(`/mj-${speed}/mj/submit/imagine`, { body: { prompt: `${speed} cat` } });
      const id = (answer.json as { result: string }).result;
      expect((await sim.call(`/mj-${speed}/mj/task/${id}/fetch`)).json).toMatchObject({ id, prompt: `${speed} cat` });
    }
    expect(sim.handle.stats().routes['POST /mj/submit/imagine'].lastSpeed).toBe('turbo');

    const list = (await sim.call('/mj/task/list')).json as Task[];
    expect(list.length).toBe(sim.handle.tasks.size);
    expect(list.map((t) => t.submitTime)).toEqual([...list.map((t) => t.submitTime)].sort((a, b) => (b as number) - (a as number)));
  });

  it('gives unique 16-digit string ids under a burst', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => sim.submit('shorten', { prompt: `burst ${i}` })));
    const results = ids.map((vo) => vo.result as string);
    expect(new Set(results).size).toBe(30);
    results.forEach((id) => expect(id).toMatch(/^\d{16}$/));
  });
});
