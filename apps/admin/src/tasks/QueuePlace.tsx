import { Button, Stack, Typography } from '@mui/material';
import CancelIcon from '@mui/icons-material/Cancel';
import { useState } from 'react';
import { useNotify } from 'react-admin';
import { api, unwrap } from '../api/client';
import type { Task } from './taskRecords';

/** "#3 in the queue, starts ~12:04": a task still waiting in the gateway's queue. */
export function queueLabel(task: Pick<Task, 'queue_position' | 'estimated_start_time'>): string {
  if (!task.queue_position) return '';
  const start = task.estimated_start_time ? `, starts ~${new Date(task.estimated_start_time).toLocaleTimeString()}` : '';
  return `#${task.queue_position} in the queue${start}`;
}

/** Where a queued task stands, and (for its owner) a button that cancels it: refunded in full, never sent upstream. */
export function QueuePlace({ task, canCancel, onCancelled }: { task: Task; canCancel: boolean; onCancelled: () => void }) {
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  if (!task.queue_position) return null;
  const cancel = async () => {
    setBusy(true);
    try {
      await unwrap(api.POST('/api/mj/self/{mj_id}/cancel', { params: { path: { mj_id: task.mj_id } } }));
      notify('Task cancelled; its quota was refunded', { type: 'info' });
      onCancelled();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mt: 1 }}>
      <Typography variant="body2" color="text.secondary" data-testid="queue-place">
        {queueLabel(task)}
      </Typography>
      {canCancel && (
        <Button size="small" color="warning" startIcon={<CancelIcon />} onClick={() => void cancel()} disabled={busy}>
          Cancel
        </Button>
      )}
    </Stack>
  );
}
