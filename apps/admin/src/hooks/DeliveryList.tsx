import { useState } from 'react';
import { Box, Button, Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import ReplayIcon from '@mui/icons-material/Replay';
import { DataTable, List, SelectInput, TextInput, useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { Schemas } from '../api/client';
import { UnixTimeField } from '../common/UnixTimeField';
import type { ConsoleDataProvider } from '../dataProvider';

type Delivery = Schemas['HookDeliveryDto'];
const Column = DataTable.Col<Delivery>;

const statusChoices = ['pending', 'delivered', 'failed', 'stopped'].map((id) => ({ id, name: id }));
const STATUS_COLOR = { pending: 'info', delivered: 'success', failed: 'error', stopped: 'warning' } as const;

const filters = [
  <TextInput key="task" source="task_id" label="Task id" alwaysOn />,
  <SelectInput key="status" source="status" choices={statusChoices} alwaysOn />,
];

function DeliveryStatus() {
  const delivery = useRecordContext<Delivery>();
  if (!delivery) return null;
  return <Chip size="small" color={STATUS_COLOR[delivery.status]} label={delivery.status} data-testid="hook-delivery-status" />;
}

/** Every attempt: when, the receiver's status, latency, and the first bytes of its answer (or why none came). */
function AttemptLog() {
  const delivery = useRecordContext<Delivery>();
  if (!delivery) return null;
  if (!delivery.attempt_log.length) return <Typography variant="body2">Not attempted yet.</Typography>;
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          <TableCell>Attempt</TableCell>
          <TableCell>Sent</TableCell>
          <TableCell>Status</TableCell>
          <TableCell align="right">Latency</TableCell>
          <TableCell>Answer / error</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {delivery.attempt_log.map((attempt) => (
          <TableRow key={attempt.attempt}>
            <TableCell>{attempt.attempt}</TableCell>
            <TableCell>{new Date(attempt.at).toLocaleString()}</TableCell>
            <TableCell>{attempt.status_code || '—'}</TableCell>
            <TableCell align="right">{attempt.latency_ms} ms</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{attempt.error || attempt.response_head}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function RedeliverButton() {
  const delivery = useRecordContext<Delivery>();
  const dataProvider = useDataProvider<ConsoleDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  if (!delivery) return null;
  const redeliver = async (event: React.MouseEvent) => {
    event.stopPropagation();
    setBusy(true);
    try {
      await dataProvider.redeliverHook(delivery.id);
      notify(`Event ${delivery.id} will be sent again`, { type: 'info' });
      refresh();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="small" startIcon={<ReplayIcon />} disabled={busy} onClick={(event) => void redeliver(event)}>
      Redeliver
    </Button>
  );
}

/** The callback delivery log (users: their own; admins: everyone's); expand a row for its attempts. */
export default function DeliveryList() {
  return (
    <List title="Callbacks" perPage={25} filters={filters} exporter={false} sort={{ field: 'id', order: 'DESC' }}>
      <DataTable<Delivery> bulkActionButtons={false} rowClick="expand" expand={<AttemptLog />}>
        <Column source="id" label="Event" disableSort />
        <Column source="created_at" label="Task change" disableSort field={UnixTimeField} />
        <Column source="task_id" label="Task" disableSort />
        <Column source="sequence" label="Seq" disableSort align="right" />
        <Column
          source="task_status"
          label="Task status"
          disableSort
          render={(d) => `${d.task_status}${d.progress ? ` ${d.progress}` : ''}`}
        />
        <Column source="url" label="URL" disableSort render={(d) => <Box sx={{ maxWidth: 280, wordBreak: 'break-all' }}>{d.url}</Box>} />
        <Column source="status" label="Delivery" disableSort field={DeliveryStatus} />
        <Column source="attempts" disableSort align="right" />
        <Column source="last_status_code" label="Last code" disableSort render={(d) => d.last_status_code || d.last_error || '—'} />
        <Column label="" disableSort align="right">
          <RedeliverButton />
        </Column>
      </DataTable>
    </List>
  );
}
