import {
  AutocompleteInput,
  DataTable,
  List,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  TextField,
  usePermissions,
} from 'react-admin';
import type { Schemas } from '../api/client';
import { UnixTimeField } from '../common/UnixTimeField';
import { kindChoices, LedgerAmount, LedgerKind } from './LedgerFields';

type Entry = Schemas['LedgerEntryDto'];
const Column = DataTable.Col<Entry>;

const adminFilters = [
  <ReferenceInput key="user" source="user_id" reference="users" alwaysOn>
    <AutocompleteInput label="User" optionText="username" filterToQuery={(q: string) => ({ username: q })} />
  </ReferenceInput>,
  <SelectInput key="kind" source="kind" choices={kindChoices} alwaysOn />,
  <NumberInput key="task" source="task_id" label="Task row id" />,
];

/** Every quota movement (admins: everyone's, filterable; users: their own). */
export default function LedgerList() {
  const { permissions } = usePermissions();
  const isAdmin = permissions === 'admin';
  return (
    <List
      title="Ledger"
      perPage={25}
      filters={isAdmin ? adminFilters : undefined}
      exporter={false}
      storeKey={isAdmin ? 'ledger.admin' : 'ledger.self'}
    >
      <DataTable<Entry> bulkActionButtons={false} rowClick={false}>
        <Column source="id" disableSort />
        <Column source="created_at" label="When" disableSort field={UnixTimeField} />
        {isAdmin && (
          <Column source="user_id" label="User" disableSort>
            <ReferenceField source="user_id" reference="users" link="edit">
              <TextField source="username" />
            </ReferenceField>
          </Column>
        )}
        <Column source="kind" disableSort field={LedgerKind} />
        <Column source="amount" disableSort field={LedgerAmount} align="right" />
        <Column source="balance_after" label="Balance after" disableSort align="right" />
        <Column source="task_id" label="Task" disableSort render={(entry) => entry.task_id || '—'} />
        <Column source="reason" disableSort />
      </DataTable>
    </List>
  );
}
