import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '@app/auth';
import { proxyConfig } from './config/proxy.config';
import { MediaFetchAllowlist } from './fetch-allowlist';
import { MediaArchiveScheduler } from './media-archive.scheduler';
import { MediaArchiveService } from './media-archive.service';
import { MediaStoreBudget } from './media-budget';
import { MediaController } from './media.controller';
import { MediaRepository } from './media.repository';
import { MediaService } from './media.service';
import { DisabledMediaStore, MediaStore } from './media-store/media-store';
import { LocalMediaStore } from './media-store/local-media-store';
import { S3MediaStore } from './media-store/s3-media-store';
import { MediaUrls } from './media-urls.service';
import { MediaViewerGuard } from './media-viewer.guard';
import { SafeFetcher } from './safe-fetcher';

type Config = ConfigType<typeof proxyConfig>;

function createStore(config: Config): MediaStore {
  if (config.store === 's3') return new S3MediaStore(config.s3!, config.storeDir);
  if (config.store === 'local') return new LocalMediaStore(config.storeDir);
  return new DisabledMediaStore(config.storeDir);
}

/** Closes the fetcher's connection pool with the app. */
class FetcherLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SafeFetcher) private readonly fetcher: SafeFetcher) {}

  onApplicationShutdown(): Promise<void> {
    return this.fetcher.close();
  }
}

/** Media links (sign/verify), `/mj/image` and `/mj/video`, the SSRF-safe fetcher and the media store. */
@Module({
  imports: [ConfigModule.forFeature(proxyConfig), AuthModule, ScheduleModule.forRoot()],
  controllers: [MediaController],
  providers: [
    MediaUrls,
    MediaService,
    MediaRepository,
    MediaArchiveService,
    MediaArchiveScheduler,
    MediaStoreBudget,
    MediaViewerGuard,
    FetcherLifecycle,
    { provide: MediaFetchAllowlist, inject: [proxyConfig.KEY], useFactory: (config: Config) => new MediaFetchAllowlist(config.allowlist) },
    {
      provide: SafeFetcher,
      inject: [proxyConfig.KEY, MediaFetchAllowlist],
      useFactory: (config: Config, allowlist: MediaFetchAllowlist) =>
        new SafeFetcher({
          allowlist,
          maxBytes: config.maxBytes,
          connectTimeoutMs: config.connectTimeoutMs,
          firstByteTimeoutMs: config.firstByteTimeoutMs,
          totalTimeoutMs: config.totalTimeoutMs,
        }),
    },
    { provide: MediaStore, inject: [proxyConfig.KEY], useFactory: createStore },
  ],
  exports: [MediaUrls, MediaFetchAllowlist],
})
export class ProxyModule {}
