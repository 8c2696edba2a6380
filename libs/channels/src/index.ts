export * from './channel.entity';
export * from './channel.repository';
export * from './channels.module';
export * from './channels.service';
export * from './upstream.client';
export * from './dto/channel.dto';
export * from './notify-token';
