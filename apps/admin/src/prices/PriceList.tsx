import { Chip, Typography } from '@mui/material';
import { DataTable, EditButton, List, usePermissions } from 'react-admin';
import type { Schemas } from '../api/client';

type Price = Schemas['PriceDto'] & { id: string; fast: number | null; relax: number | null; turbo: number | null };

const MODES = ['fast', 'relax', 'turbo'] as const;
const Column = DataTable.Col<Price>;

export default function PriceList() {
  const { permissions } = usePermissions();
  const isAdmin = permissions === 'admin';
  return (
    <List title="Prices" exporter={false} perPage={50}>
      <DataTable<Price> rowClick={isAdmin ? 'edit' : false} bulkActionButtons={false}>
        <Column source="action" disableSort />
        <Column source="quota" label="Quota per submit" disableSort align="right" />
        {MODES.map((mode) => (
          <Column
            key={mode}
            source={mode}
            label={mode}
            disableSort
            align="right"
            render={(price) =>
              price[mode] === null ? (
                <Typography variant="body2" color="text.secondary">
                  {price.quota}
                </Typography>
              ) : (
                <strong>{price[mode]}</strong>
              )
            }
          />
        ))}
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
