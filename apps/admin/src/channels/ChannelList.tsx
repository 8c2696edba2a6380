import { Typography } from '@mui/material';
import { CreateButton, DataTable, EditButton, List, TopToolbar } from 'react-admin';
import { UnixTimeField } from '../common/UnixTimeField';
import type { Channel } from './channelRecords';
import { EnabledToggle } from './EnabledToggle';
import { capabilitySummary, StateChip } from './StateChip';
import { TestButton } from './TestButton';

const Column = DataTable.Col<Channel>;

export default function ChannelList() {
  return (
    <List
      actions={
        <TopToolbar>
          <CreateButton />
        </TopToolbar>
      }
      exporter={false}
    >
      <DataTable<Channel> rowClick="edit" bulkActionButtons={false}>
        <Column source="id" disableSort />
        <Column source="name" disableSort />
        <Column
          source="base_url"
          label="Base URL"
          disableSort
          render={(channel) => (
            <Typography variant="body2" sx={{ fontFamily: 'monospace' }}>
              {channel.base_url}
            </Typography>
          )}
        />
        <Column
          source="secret_mask"
          label="Secret"
          disableSort
          render={(channel) => (
            <Typography variant="body2" sx={{ fontFamily: 'monospace' }} color="text.secondary">
              {channel.secret_mask || '—'}
            </Typography>
          )}
        />
        <Column source="enabled" disableSort>
          <EnabledToggle />
        </Column>
        <Column source="state" disableSort>
          <StateChip />
        </Column>
        <Column
          source="capabilities"
          label="Serves"
          disableSort
          render={(channel) => (
            <Typography variant="body2" color="text.secondary">
              {capabilitySummary(channel)}
            </Typography>
          )}
        />
        <Column source="priority" disableSort align="right" />
        <Column source="weight" disableSort align="right" />
        <Column source="updated_at" label="Updated" disableSort field={UnixTimeField} />
        <Column label="" disableSort align="right" sx={{ whiteSpace: 'nowrap' }}>
          <TestButton />
          <EditButton />
        </Column>
      </DataTable>
    </List>
  );
}
