import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ChannelsModule } from '@app/channels';
import { MjModule } from '@app/mj';
import { ProxyModule } from '@app/proxy';
import { relayConfig } from './config/relay.config';
import { RelayTasksController } from './relay-tasks.controller';
import { RelayTasksService } from './relay-tasks.service';
import { RelayController } from './relay.controller';
import { RelayService } from './relay.service';

@Module({
  imports: [ConfigModule.forFeature(relayConfig), ChannelsModule, MjModule, ProxyModule],
  controllers: [RelayController, RelayTasksController],
  providers: [RelayService, RelayTasksService],
})
export class RelayModule {}
