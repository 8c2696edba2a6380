import type { ReactNode } from 'react';
import { Alert, Box, Divider, Grid, Stack, Typography } from '@mui/material';
import {
  ListButton,
  ReferenceField,
  Show,
  TextField,
  TopToolbar,
  useGetIdentity,
  useNotify,
  useRecordContext,
  useShowContext,
} from 'react-admin';
import { useSearchParams } from 'react-router-dom';
import { useTaskEvents } from '../live/useTaskEvents';
import { RevokeLinksButton } from '../common/RevokeLinksButton';
import { FollowUpButtons } from './FollowUpButtons';
import { QueuePlace } from './QueuePlace';
import { StatusChip } from './StatusChip';
import { TaskMedia } from './TaskMedia';
import { TaskProgress } from './TaskProgress';
import { durationSeconds, formatDuration, formatTime, isFinished, type Task } from './taskRecords';
import { useOpenTask } from './useOpenTask';
import { useTaskExtras } from './useTaskExtras';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: '120px 1fr', gap: 2, py: 0.75, alignItems: 'baseline' }}>
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Box sx={{ minWidth: 0, wordBreak: 'break-word' }}>{children}</Box>
    </Box>
  );
}

function TaskTitle() {
  const task = useRecordContext<Task>();
  return <>{task ? `${task.action} ${task.mj_id}` : 'Task'}</>;
}

function TaskDetail() {
  const { record: task, refetch } = useShowContext<Task>();
  const { buttons, imageUrls } = useTaskExtras(task);
  const openTask = useOpenTask();
  const notify = useNotify();
  const { identity } = useGetIdentity();
  useTaskEvents({
    active: !!task && !isFinished(task.status),
    filter: (event) => event.id === task?.id || event.mj_id === task?.mj_id,
    onUpdate: () => void refetch(),
  });
  if (!task) return null;
  const admin = task.user_id !== undefined;
  return (
    <Grid container spacing={3} sx={{ p: 2 }}>
      <Grid size={{ xs: 12, md: 7 }}>
        <TaskMedia imageUrl={task.image_url} imageUrls={imageUrls} videoUrl={task.video_url} finished={isFinished(task.status)} />
        {buttons.length > 0 && (
          <Box sx={{ mt: 2 }}>
            <Typography variant="subtitle2" gutterBottom>
              Follow-up
            </Typography>
            <FollowUpButtons
              mjId={task.mj_id}
              buttons={buttons}
              prompt={task.prompt}
              onSubmitted={(mjId) => openTask(mjId).catch((error: Error) => notify(error.message, { type: 'error' }))}
            />
          </Box>
        )}
      </Grid>
      <Grid size={{ xs: 12, md: 5 }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <StatusChip status={task.status} size="medium" />
          <Typography variant="h6">{task.action}</Typography>
        </Stack>
        <TaskProgress progress={task.progress} status={task.status} width="100%" />
        <QueuePlace task={task} canCancel={!admin || task.user_id === identity?.id} onCancelled={() => void refetch()} />
        {task.fail_reason && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {task.fail_reason}
          </Alert>
        )}
        <Divider sx={{ my: 2 }} />
        <Row label="Task id">
          <Typography variant="body2" sx={{ fontFamily: 'monospace' }}>
            {task.mj_id}
          </Typography>
        </Row>
        <Row label="Prompt">
          <Typography variant="body2">{task.prompt || '—'}</Typography>
        </Row>
        <Row label="English prompt">
          <Typography variant="body2">{task.prompt_en || '—'}</Typography>
        </Row>
        {'original_prompt' in task && typeof task.original_prompt === 'string' && task.original_prompt && (
          <Row label="Client's prompt">
            <Typography variant="body2" title="A submit check rewrote the prompt; this is what the client sent">
              {task.original_prompt}
            </Typography>
          </Row>
        )}
        <Row label="Submitted">
          <Typography variant="body2">{formatTime(task.submit_time) || '—'}</Typography>
        </Row>
        <Row label="Started">
          <Typography variant="body2">{formatTime(task.start_time) || '—'}</Typography>
        </Row>
        <Row label="Finished">
          <Typography variant="body2">{formatTime(task.finish_time) || '—'}</Typography>
        </Row>
        <Row label="Duration">
          <Typography variant="body2">{formatDuration(durationSeconds(task)) || '—'}</Typography>
        </Row>
        <Row label="Quota">
          <Typography variant="body2">{task.quota}</Typography>
        </Row>
        {admin && (
          <>
            <Row label="User">
              <ReferenceField source="user_id" reference="users" link="edit" emptyText="—">
                <TextField source="username" />
              </ReferenceField>
            </Row>
            <Row label="Channel">
              <ReferenceField source="channel_id" reference="channels" link="edit" emptyText="—">
                <TextField source="name" />
              </ReferenceField>
            </Row>
          </>
        )}
      </Grid>
    </Grid>
  );
}

export default function TaskShow() {
  const [params] = useSearchParams();
  const mjId = params.get('mj_id') ?? undefined;
  return (
    <Show
      title={<TaskTitle />}
      queryOptions={{ meta: { mj_id: mjId } }}
      actions={
        <TopToolbar>
          <RevokeLinksButton of="task" />
          <ListButton />
        </TopToolbar>
      }
    >
      <TaskDetail />
    </Show>
  );
}
