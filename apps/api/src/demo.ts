import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType, registerAs } from '@nestjs/config';
import { CreateRequestContext, MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { Channel } from '@app/channels';
import { readEnv } from '@app/core';
import { MediaFetchAllowlist } from '@app/proxy';
import { SimulatorHandle, startSimulator } from '@app/mj-simulator';

export class DemoEnv {
  /** `DEMO=0` turns the demo upstream off. */
  @IsBoolean()
  DEMO: boolean = true;

  @IsInt()
  @Min(100)
  @Max(600000)
  DEMO_TASK_MS: number = 8000;
}

export const demoConfig = registerAs('demo', () => readEnv(DemoEnv));

export const DEMO_CHANNEL = 'Demo simulator';

/**
 * `npm start` on a fresh install: with no channel yet, a midjourney-proxy simulator runs in this process on a
 * loopback port and is registered as the channel "Demo simulator", so a newcomer can submit at once. On later starts
 * the demo channel (if still there) is pointed at the new simulator.
 */
@Injectable()
export class DemoUpstream implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Demo');
  private simulator?: SimulatorHandle;

  constructor(
    readonly orm: MikroORM,
    private readonly em: EntityManager,
    private readonly allowlist: MediaFetchAllowlist,
    @Inject(demoConfig.KEY) private readonly config: ConfigType<typeof demoConfig>,
  ) {}

  @CreateRequestContext()
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.DEMO) return;
    const channels = await this.em.find(Channel, { deletedAt: null });
    const demo = channels.find((c) => c.name === DEMO_CHANNEL && /^http:\/\/127\.0\.0\.1:\d+$/.test(c.baseUrl));
    if (channels.length && !demo) return;
    this.simulator = await startSimulator({ port: 0, host: '127.0.0.1', taskMs: this.config.DEMO_TASK_MS, coreSize: 10, queueSize: 100 });
    // The media fetcher refuses loopback addresses; the demo's own simulator is the one it may reach.
    this.allowlist.allow(new URL(this.simulator.url).host);
    if (demo) {
      demo.baseUrl = this.simulator.url;
    } else {
      this.em.persist(this.em.create(Channel, { name: DEMO_CHANNEL, baseUrl: this.simulator.url }));
    }
    await this.em.flush();
    this.logger.log(`Demo upstream (midjourney-proxy simulator) at ${this.simulator.url}, channel "${DEMO_CHANNEL}"; DEMO=0 turns it off`);
  }

  /** The demo simulator's address, for those that must trust it (the media fetcher). */
  get url(): string | undefined {
    return this.simulator?.url;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.close();
  }
}
