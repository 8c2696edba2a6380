import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuthModule } from '@app/auth';
import { BillingModule } from '@app/billing';
import { CoreModule } from '@app/core';
import { ChannelsModule } from '@app/channels';
import { MjModule } from '@app/mj';
import { ModerationModule } from '@app/moderation';
import { ProxyModule } from '@app/proxy';
import { PollingModule } from '@app/polling';
import { RelayModule } from '@app/relay';
import { HooksModule } from '@app/hooks';
import { demoConfig, DemoUpstream } from './demo';
import { ExtensionsModule } from './extensions';

/** Wires the feature libraries; each owns its routes. */
@Module({
  imports: [
    CoreModule,
    AuthModule,
    BillingModule,
    MjModule,
    ChannelsModule,
    RelayModule,
    PollingModule,
    ProxyModule,
    ModerationModule,
    HooksModule.forRoot({ imports: [RelayModule] }),
    ConfigModule.forFeature(demoConfig),
    // A team's own modules: add one here, or name it in EXTENSIONS (docs/extending.md).
    ExtensionsModule.fromEnvironment(),
  ],
  providers: [DemoUpstream],
})
export class AppModule {}
