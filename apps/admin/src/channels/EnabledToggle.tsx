import { Switch, Tooltip } from '@mui/material';
import { useNotify, useRecordContext, useUpdate } from 'react-admin';
import type { Channel } from './channelRecords';

/** Turns a channel on or off in place (PATCH `{enabled}`); a disabled channel gets no new tasks. */
export function EnabledToggle() {
  const channel = useRecordContext<Channel>();
  const notify = useNotify();
  const [update, { isPending }] = useUpdate<Channel>();
  if (!channel) return null;
  return (
    <Tooltip title={channel.enabled ? 'Enabled: receives new tasks' : 'Disabled: no new tasks'}>
      <Switch
        size="small"
        checked={channel.enabled}
        disabled={isPending}
        slotProps={{ input: { 'aria-label': `${channel.name} enabled` } }}
        onClick={(event) => event.stopPropagation()}
        onChange={(_event, enabled) =>
          update(
            'channels',
            { id: channel.id, data: { enabled }, previousData: channel },
            { mutationMode: 'optimistic', onError: (error) => notify((error as Error).message, { type: 'error' }) },
          )
        }
      />
    </Tooltip>
  );
}
