import { Box, Typography } from '@mui/material';
import { CreateButton, DataTable, DeleteWithConfirmButton, List, TopToolbar } from 'react-admin';
import type { Schemas } from '../api/client';
import { UnixTimeField } from '../common/UnixTimeField';
import { HookActions } from './HookActions';

type ApiKey = Schemas['ApiKeyDto'];
const Column = DataTable.Col<ApiKey>;

/** The caller's API keys for the relay; the key itself was shown once, at creation. */
export default function TokenList() {
  return (
    <List
      title="API keys"
      actions={
        <TopToolbar>
          <CreateButton label="New key" />
        </TopToolbar>
      }
      exporter={false}
    >
      <DataTable<ApiKey> rowClick={false} bulkActionButtons={false}>
        <Column source="name" disableSort />
        <Column
          source="key_prefix"
          label="Key"
          disableSort
          render={(key) => (
            <Typography variant="body2" sx={{ fontFamily: 'monospace' }}>
              {key.key_prefix}…
            </Typography>
          )}
        />
        <Column source="created_at" label="Created" disableSort field={UnixTimeField} />
        <Column source="last_used_at" label="Last used" disableSort render={() => <UnixTimeField source="last_used_at" empty="never" />} />
        <Column source="expires_at" label="Expires" disableSort render={() => <UnixTimeField source="expires_at" empty="never" />} />
        <Column
          source="quota_used"
          label="Quota used"
          disableSort
          align="right"
          render={(key) => (key.quota_limit ? `${key.quota_used} / ${key.quota_limit}` : key.quota_used)}
        />
        <Column source="hook_url" label="Callback URL" disableSort render={(key) => key.hook_url || '—'} />
        <Column label="" disableSort align="right">
          <Box sx={{ display: 'inline-flex', alignItems: 'center', whiteSpace: 'nowrap' }}>
            <HookActions />
            <DeleteWithConfirmButton
              label="Revoke"
              confirmTitle="Revoke this key?"
              confirmContent="Clients using it stop working at once."
            />
          </Box>
        </Column>
      </DataTable>
    </List>
  );
}
