import { addSimulatorChannel, createApiKey, PNG_DATA_URL, until, type TestChannel } from '../upstream';
import type { TestApp } from '../app';
import type { ConsoleGateway } from './gateway';

export interface SeededGateway {
  east: TestChannel;
  west: TestChannel;
  alice: { id: number; token: string; key: string };
  bob: { id: number; token: string; key: string };
  /** A finished video task (bob's). */
  videoId: string;
}

export const USER_PASSWORD = 'user-password-123';

async function imagine(g: ConsoleGateway, key: string, prompt: string): Promise<string> {
  const res = await g.http.post('/mj/submit/imagine').set('Authorization', `Bearer ${key}`).send({ prompt });
  if (res.status !== 200 || ![1, 22].includes(res.body.code)) throw new Error(`imagine: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.result as string;
}

async function setPriority(g: ConsoleGateway, channelId: number, priority: number): Promise<void> {
  await g.http
    .patch(`/api/channels/${channelId}`)
    .set('Authorization', `Bearer ${await g.adminToken()}`)
    .send({ priority })
    .expect(200);
}

/** Two simulator channels, two users with keys, and finished tasks on each channel (one failed). */
export async function seedGateway(g: ConsoleGateway): Promise<SeededGateway> {
  const t = g as unknown as TestApp; // addSimulatorChannel and createApiKey need only http and adminToken
  const east = await addSimulatorChannel(t, { name: 'sim-east', priority: 10, taskMs: 1500 });
  const west = await addSimulatorChannel(t, { name: 'sim-west', priority: 0, taskMs: 1500 });
  const aliceUser = await g.createUser({ username: 'alice', password: USER_PASSWORD, quota: 2_000_000 });
  const bobUser = await g.createUser({ username: 'bob', password: USER_PASSWORD, quota: 2_000_000 });
  const alice = { ...aliceUser, key: await createApiKey(t, aliceUser.token, { name: 'script' }) };
  const bob = { ...bobUser, key: await createApiKey(t, bobUser.token, { name: 'batch job' }) };

  // Channel choice follows priority: first everything to east, then to west.
  await imagine(g, alice.key, 'a lighthouse on a cliff at dawn, volumetric light --ar 3:2');
  await imagine(g, bob.key, 'isometric tiny city floating in the clouds, pastel colours');
  await imagine(g, alice.key, 'portrait of a red fox in the snow --sim-fail');
  await setPriority(g, east.id, 0);
  await setPriority(g, west.id, 10);
  await imagine(g, bob.key, 'a bowl of ramen, studio lighting, 85mm --ar 4:5');
  await imagine(g, alice.key, 'watercolor map of an imaginary archipelago --sim-v7');
  const video = await g.http
    .post('/mj/submit/video')
    .set('Authorization', `Bearer ${bob.key}`)
    .send({ prompt: 'waves rolling onto a beach', image: PNG_DATA_URL, motion: 'low' });
  if (video.status !== 200 || ![1, 22].includes(video.body.code)) throw new Error(`video: ${video.status} ${JSON.stringify(video.body)}`);
  await setPriority(g, west.id, 0);

  const admin = await g.adminToken();
  // Only our two simulators take tasks (the gateway may add a demo channel of its own).
  const channels = await g.http.get('/api/channels').set('Authorization', `Bearer ${admin}`);
  for (const channel of channels.body.data.items as { id: number }[]) {
    if (channel.id !== east.id && channel.id !== west.id) {
      await g.http.patch(`/api/channels/${channel.id}`).set('Authorization', `Bearer ${admin}`).send({ enabled: false }).expect(200);
    }
  }
  await until(
    async () => {
      const res = await g.http.get('/api/mj').query({ page_size: 100 }).set('Authorization', `Bearer ${admin}`);
      const items = res.body.data.items as { status: string }[];
      return items.length === 6 && items.every((task) => ['SUCCESS', 'FAILURE', 'CANCEL'].includes(task.status));
    },
    30000,
    200,
  );
  return { east, west, alice, bob, videoId: video.body.result as string };
}
