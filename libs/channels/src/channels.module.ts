import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ChannelAlerts } from './channel-alerts';
import { ChannelHealthScheduler } from './channel-health.scheduler';
import { ChannelHealth } from './channel-health.service';
import { Channel } from './channel.entity';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { channelsConfig } from './config/channels.config';
import { NotifyTokens } from './notify-token';
import { MidjourneyProxyClient } from './midjourney-proxy.client';
import { UpstreamClient } from './upstream.client';

@Module({
  imports: [ConfigModule.forFeature(channelsConfig), DiscoveryModule, MikroOrmModule.forFeature([Channel])],
  controllers: [ChannelsController],
  providers: [ChannelsService, MidjourneyProxyClient, UpstreamClient, NotifyTokens, ChannelHealth, ChannelAlerts, ChannelHealthScheduler],
  exports: [ChannelsService, UpstreamClient, NotifyTokens, ChannelHealth, ChannelAlerts, MikroOrmModule],
})
export class ChannelsModule {}
