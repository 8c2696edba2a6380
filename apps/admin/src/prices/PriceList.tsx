import { Chip } from '@mui/material';
import { DataTable, EditButton, List, usePermissions } from 'react-admin';
import type { Schemas } from '../api/client';

type Price = Schemas['PriceDto'] & { id: string };
const Column = DataTable.Col<Price>;

export default function PriceList() {
  const { permissions } = usePermissions();
  const isAdmin = permissions === 'admin';
  return (
    <List title="Prices" exporter={false} perPage={50}>
      <DataTable<Price> rowClick={isAdmin ? 'edit' : false} bulkActionButtons={false}>
        <Column source="action" disableSort />
        <Column source="quota" label="Quota per submit" disableSort align="right" />
        <Column
          source="custom"
          label=""
          disableSort
          render={(price) => (price.custom ? <Chip size="small" label="custom" color="secondary" variant="outlined" /> : null)}
        />
        {isAdmin && (
          <Column label="" disableSort align="right">
            <EditButton />
          </Column>
        )}
      </DataTable>
    </List>
  );
}
