import { Typography } from '@mui/material';
import {
  DataTable,
  Edit,
  Labeled,
  NumberInput,
  PasswordInput,
  Pagination,
  ReferenceManyField,
  SelectInput,
  SimpleForm,
  TextField,
  TopToolbar,
  ListButton,
  minLength,
  useRecordContext,
} from 'react-admin';
import { UnixTimeField } from '../common/UnixTimeField';
import { LedgerAmount, LedgerKind } from '../ledger/LedgerFields';
import { RevokeLinksButton } from '../common/RevokeLinksButton';
import { QuotaButton } from './QuotaButton';
import { roleChoices, statusChoices, type User } from './userRecords';

const MODE_CHOICES = [
  { id: 'fast', name: 'fast' },
  { id: 'relax', name: 'relax' },
  { id: 'turbo', name: 'turbo' },
];

function Title() {
  const user = useRecordContext<User>();
  return <>User {user?.username}</>;
}

/** Role, status and password here; the balance moves only through the ledger (the Quota button). */
export default function UserEdit() {
  return (
    <Edit
      title={<Title />}
      mutationMode="pessimistic"
      actions={
        <TopToolbar>
          <QuotaButton />
          <RevokeLinksButton of="user" />
          <ListButton />
        </TopToolbar>
      }
    >
      <SimpleForm sx={{ maxWidth: 720 }}>
        <Labeled label="Username">
          <TextField source="username" />
        </Labeled>
        <Labeled label="Balance">
          <TextField source="quota" />
        </Labeled>
        <SelectInput source="role" choices={roleChoices} />
        <SelectInput source="status" choices={statusChoices} helperText="A disabled user's tokens and keys stop working at once" />
        <SelectInput
          source="default_mode"
          label="Speed mode"
          choices={MODE_CHOICES}
          emptyText="The gateway's default"
          emptyValue={null}
          helperText="For tasks whose path and key name none"
        />
        <NumberInput
          source="max_tasks"
          label="Max unfinished tasks"
          step={1}
          min={1}
          helperText="Queued + running tasks this user may have; empty = the gateway's default (QUEUE_USER_CAP)"
        />
        <PasswordInput
          source="password"
          label="New password"
          validate={minLength(8)}
          helperText="Leave empty to keep the current one"
          autoComplete="new-password"
        />
        <Typography variant="subtitle1" sx={{ mt: 2 }}>
          Recent quota movements
        </Typography>
        <ReferenceManyField reference="ledger" target="user_id" perPage={10} pagination={<Pagination rowsPerPageOptions={[10]} />}>
          <DataTable bulkActionButtons={false} size="small" sx={{ width: '100%' }}>
            <DataTable.Col source="created_at" label="When" disableSort field={UnixTimeField} />
            <DataTable.Col source="kind" disableSort field={LedgerKind} />
            <DataTable.Col source="amount" disableSort field={LedgerAmount} align="right" />
            <DataTable.Col source="balance_after" label="Balance" disableSort align="right" />
            <DataTable.Col source="reason" disableSort />
          </DataTable>
        </ReferenceManyField>
      </SimpleForm>
    </Edit>
  );
}
