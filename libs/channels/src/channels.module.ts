import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
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
  providers: [ChannelsService, MidjourneyProxyClient, UpstreamClient, NotifyTokens],
  exports: [ChannelsService, UpstreamClient, NotifyTokens, MikroOrmModule],
})
export class ChannelsModule {}
