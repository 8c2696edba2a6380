import { lazy } from 'react';
import ChannelIcon from '@mui/icons-material/Hub';
import type { Channel } from './channelRecords';

export default {
  list: lazy(() => import('./ChannelList')),
  create: lazy(() => import('./ChannelCreate')),
  edit: lazy(() => import('./ChannelEdit')),
  icon: ChannelIcon,
  recordRepresentation: (channel: Channel) => channel.name,
};
