import { useState } from 'react';
import { Alert, Box, Button, Card, CardContent, CircularProgress, Stack, TextField, Typography } from '@mui/material';
import SendIcon from '@mui/icons-material/Send';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import { Title, useNotify } from 'react-admin';
import { relay } from '../api/relay';
import { LiveIndicator } from '../live/LiveIndicator';
import { FollowUpButtons } from '../tasks/FollowUpButtons';
import { StatusChip } from '../tasks/StatusChip';
import { TaskMedia } from '../tasks/TaskMedia';
import { TaskProgress } from '../tasks/TaskProgress';
import { urlList } from '../tasks/taskRecords';
import { useOpenTask } from '../tasks/useOpenTask';
import { ReferenceImages } from './ReferenceImages';
import { useRelayTask } from './useRelayTask';

/** Submit a prompt through the relay and watch it run: progress, previews, the result and its buttons. */
export default function ImaginePage() {
  const notify = useNotify();
  const openTask = useOpenTask();
  const [prompt, setPrompt] = useState('');
  const [images, setImages] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [mjId, setMjId] = useState<string | null>(null);
  const { task, error } = useRelayTask(mjId);

  const submit = async () => {
    setSubmitting(true);
    try {
      const submitted = await relay.imagine(prompt.trim(), images);
      setMjId(submitted.mjId);
    } catch (failure) {
      notify((failure as Error).message, { type: 'error' });
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Box sx={{ mt: 2, display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', lg: 'minmax(360px, 2fr) 3fr' }, alignItems: 'start' }}>
      <Title title="Imagine" />
      <Card>
        <CardContent>
          <Typography variant="h6" gutterBottom>
            Imagine
          </Typography>
          <TextField
            label="Prompt"
            placeholder="a lighthouse on a cliff at dawn, volumetric light --ar 3:2"
            multiline
            minRows={4}
            fullWidth
            value={prompt}
            onChange={(event) => setPrompt(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.metaKey || event.ctrlKey) && prompt.trim() && !submitting) void submit();
            }}
            slotProps={{ htmlInput: { 'data-testid': 'prompt-input', maxLength: 8192 } }}
          />
          <Stack direction="row" sx={{ mt: 2, justifyContent: 'space-between', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
            <ReferenceImages
              images={images}
              onChange={setImages}
              onError={(message) => notify(message, { type: 'warning' })}
              disabled={submitting}
            />
            <Button
              variant="contained"
              endIcon={submitting ? <CircularProgress size={16} color="inherit" /> : <SendIcon />}
              disabled={!prompt.trim() || submitting}
              onClick={() => void submit()}
            >
              Submit
            </Button>
          </Stack>
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }}>
            Submitted through the relay with your “console” API key; charged at the Imagine price.
          </Typography>
        </CardContent>
      </Card>

      <Card>
        <CardContent>
          {!mjId && <Typography color="text.secondary">Your task will show here while it runs.</Typography>}
          {mjId && !task && !error && <CircularProgress size={24} />}
          {error && <Alert severity="error">{error.message}</Alert>}
          {task && (
            <Stack spacing={2} data-testid="imagine-task" data-status={task.status}>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                <StatusChip status={task.status} />
                <Typography variant="subtitle1">{task.action}</Typography>
                <Typography variant="body2" color="text.secondary" sx={{ fontFamily: 'monospace' }}>
                  {task.id}
                </Typography>
                <Box sx={{ flex: 1 }} />
                <LiveIndicator />
                <Button
                  size="small"
                  endIcon={<OpenInNewIcon />}
                  onClick={() => void openTask(task.id).catch((e: Error) => notify(e.message, { type: 'error' }))}
                >
                  Details
                </Button>
              </Stack>
              <TaskProgress progress={task.progress} status={task.status} width="100%" />
              {task.failReason && <Alert severity="error">{task.failReason}</Alert>}
              <TaskMedia
                imageUrl={task.imageUrl ?? ''}
                imageUrls={urlList(task.imageUrls)}
                videoUrl={task.videoUrl ?? undefined}
                finished={task.status === 'SUCCESS'}
              />
              {task.status === 'SUCCESS' && (
                <FollowUpButtons mjId={task.id} buttons={task.buttons ?? []} prompt={task.prompt ?? prompt} onSubmitted={setMjId} />
              )}
            </Stack>
          )}
        </CardContent>
      </Card>
    </Box>
  );
}
