import { Box, Tooltip, Typography } from '@mui/material';
import {
  DataTable,
  FilterButton,
  List,
  Pagination,
  ReferenceField,
  TextField,
  TopToolbar,
  useListContext,
  usePermissions,
} from 'react-admin';
import { LiveIndicator } from '../live/LiveIndicator';
import { useTaskEvents } from '../live/useTaskEvents';
import { queueLabel } from './QueuePlace';
import { StatusChip } from './StatusChip';
import { TaskProgress } from './TaskProgress';
import { TaskThumbnail } from './TaskThumbnail';
import { taskFilters } from './taskFilters';
import { durationSeconds, formatDuration, formatShortTime, isFinished, taskShowPath, type Task } from './taskRecords';

const Column = DataTable.Col<Task>;

function Prompt({ task }: { task: Task }) {
  const text = task.prompt || task.prompt_en;
  return (
    <Tooltip title={text} placement="bottom-start" enterDelay={400}>
      <Typography variant="body2" noWrap sx={{ maxWidth: { xs: 160, xl: 280 } }}>
        {text}
      </Typography>
    </Tooltip>
  );
}

/** Date above time: narrow enough to leave room for the prompt. */
function SubmitTime({ seconds }: { seconds: number }) {
  if (!seconds) return null;
  const at = new Date(seconds * 1000);
  return (
    <Box sx={{ whiteSpace: 'nowrap', lineHeight: 1.3 }} title={formatShortTime(seconds)}>
      <Typography variant="body2">{at.toLocaleTimeString(undefined, { hourCycle: 'h23' })}</Typography>
      <Typography variant="caption" color="text.secondary">
        {at.toLocaleDateString()}
      </Typography>
    </Box>
  );
}

/** Re-reads the page on task events, or every 2 s while a visible task is unfinished. */
function LiveRefresh() {
  const { data, refetch } = useListContext<Task>();
  // A busy gateway sends many events: the page is re-read at most every 1.5 s.
  useTaskEvents({ active: !!data?.some((task) => !isFinished(task.status)), onUpdate: () => void refetch(), throttleMs: 1500 });
  return null;
}

function TaskTable({ isAdmin }: { isAdmin: boolean }) {
  return (
    <>
      <LiveRefresh />
      <DataTable<Task>
        rowClick={(_id, _resource, record) => taskShowPath(record)}
        bulkActionButtons={false}
        size="small"
        sx={{ '& .RaDataTable-tableWrapper': { overflowX: 'auto' } }}
      >
        <Column source="submit_time" label="Submitted" disableSort render={(task) => <SubmitTime seconds={task.submit_time} />} />
        <Column source="status" disableSort render={(task) => <StatusChip status={task.status} />} />
        <Column source="action" disableSort />
        <Column
          source="progress"
          disableSort
          render={(task) =>
            task.queue_position ? (
              <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
                {queueLabel(task)}
              </Typography>
            ) : (
              <TaskProgress progress={task.progress} status={task.status} width={100} />
            )
          }
        />
        <Column
          source="image_url"
          label="Image"
          disableSort
          render={(task) => <TaskThumbnail url={task.image_url} finished={isFinished(task.status)} />}
        />
        <Column source="prompt" disableSort render={(task) => <Prompt task={task} />} />
        <Column label="Duration" disableSort render={(task) => formatDuration(durationSeconds(task))} />
        <Column source="quota" disableSort align="right" />
        <Column
          source="fail_reason"
          label="Failure"
          disableSort
          render={(task) => (
            <Typography variant="body2" color="error" noWrap sx={{ maxWidth: 120 }} title={task.fail_reason}>
              {task.fail_reason}
            </Typography>
          )}
        />
        {isAdmin && (
          <Column source="channel_id" label="Channel" disableSort>
            <ReferenceField source="channel_id" reference="channels" link={false} emptyText="—">
              <TextField source="name" sx={{ whiteSpace: 'nowrap' }} />
            </ReferenceField>
          </Column>
        )}
        {isAdmin && (
          <Column source="user_id" label="User" disableSort>
            <ReferenceField source="user_id" reference="users" link={false} emptyText="—">
              <TextField source="username" />
            </ReferenceField>
          </Column>
        )}
      </DataTable>
    </>
  );
}

export default function TaskList() {
  const { permissions } = usePermissions();
  const isAdmin = permissions === 'admin';
  return (
    <List
      title="Tasks"
      filters={taskFilters(isAdmin)}
      perPage={20}
      pagination={<Pagination rowsPerPageOptions={[10, 20, 50, 100]} />}
      actions={
        <TopToolbar>
          <LiveIndicator />
          <FilterButton />
        </TopToolbar>
      }
      disableSyncWithLocation={false}
      storeKey={isAdmin ? 'tasks.admin' : 'tasks.self'}
    >
      <TaskTable isAdmin={isAdmin} />
    </List>
  );
}
