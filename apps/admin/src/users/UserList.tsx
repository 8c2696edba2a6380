import { Chip } from '@mui/material';
import ReceiptIcon from '@mui/icons-material/ReceiptLongOutlined';
import {
  Button,
  CreateButton,
  DataTable,
  DeleteWithConfirmButton,
  EditButton,
  List,
  SearchInput,
  SelectInput,
  TopToolbar,
  useRecordContext,
  FilterButton,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { UnixTimeField } from '../common/UnixTimeField';
import { QuotaButton } from './QuotaButton';
import { roleChoices, statusChoices, type User } from './userRecords';

const Column = DataTable.Col<User>;

const filters = [
  <SearchInput key="q" source="q" placeholder="Username" alwaysOn />,
  <SelectInput key="role" source="role" choices={roleChoices} />,
  <SelectInput key="status" source="status" choices={statusChoices} />,
];

function LedgerLink() {
  const user = useRecordContext<User>();
  if (!user) return null;
  return (
    <Button
      label="Ledger"
      component={Link}
      to={`/ledger?filter=${encodeURIComponent(JSON.stringify({ user_id: user.id }))}`}
      onClick={(event) => event.stopPropagation()}
    >
      <ReceiptIcon />
    </Button>
  );
}

export default function UserList() {
  return (
    <List
      filters={filters}
      actions={
        <TopToolbar>
          <FilterButton />
          <CreateButton />
        </TopToolbar>
      }
    >
      <DataTable<User> rowClick="edit" bulkActionButtons={false}>
        <Column source="id" disableSort />
        <Column source="username" disableSort />
        <Column
          source="role"
          disableSort
          render={(user) => (
            <Chip size="small" label={user.role} color={user.role === 'admin' ? 'secondary' : 'default'} variant="outlined" />
          )}
        />
        <Column
          source="status"
          disableSort
          render={(user) => <Chip size="small" label={user.status} color={user.status === 'enabled' ? 'success' : 'default'} />}
        />
        <Column source="quota" label="Balance" disableSort align="right" />
        <Column source="created_at" label="Created" disableSort field={UnixTimeField} />
        <Column label="" disableSort align="right" sx={{ whiteSpace: 'nowrap' }}>
          <QuotaButton />
          <LedgerLink />
          <EditButton />
          <DeleteWithConfirmButton confirmContent="The user's tasks stay; their API keys stop working at once." />
        </Column>
      </DataTable>
    </List>
  );
}
