import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { BillingModule } from '@app/billing';
import { CoreModule } from '@app/core';
import { ChannelsModule } from '@app/channels';
import { MjModule } from '@app/mj';
import { PollingModule } from '@app/polling';
import { RelayModule } from '@app/relay';

/** Wires the feature libraries; each owns its routes. */
@Module({
  imports: [CoreModule, AuthModule, BillingModule, MjModule, ChannelsModule, RelayModule, PollingModule],
})
export class AppModule {}
