import { DeleteWithConfirmButton, Edit, ListButton, TopToolbar, useRecordContext } from 'react-admin';
import { ChannelForm } from './ChannelForm';
import type { Channel } from './channelRecords';
import { TestButton } from './TestButton';

function Title() {
  const channel = useRecordContext<Channel>();
  return <>Channel {channel?.name}</>;
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
    </Edit>
  );
}
