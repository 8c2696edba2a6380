import { Box } from '@mui/material';
import { DeleteWithConfirmButton, Edit, ListButton, TopToolbar, useRecordContext } from 'react-admin';
import { ChannelEvents } from './ChannelEvents';
import { ChannelForm } from './ChannelForm';
import type { Channel } from './channelRecords';
import { StateChip } from './StateChip';
import { TestButton } from './TestButton';

function Title() {
  const channel = useRecordContext<Channel>();
  return <>Channel {channel?.name}</>;
}

function Health() {
  return (
    <Box sx={{ px: 2, pb: 2 }}>
      <StateChip />
      <ChannelEvents />
    </Box>
  );
}

export default function ChannelEdit() {
  return (
    <Edit
      title={<Title />}
      mutationMode="pessimistic"
      actions={
        <TopToolbar>
          <TestButton />
          <ListButton />
          <DeleteWithConfirmButton confirmContent="Its unfinished tasks fail and are refunded." />
        </TopToolbar>
      }
    >
      <ChannelForm />
      <Health />
    </Edit>
  );
}
