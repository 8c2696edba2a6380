import { Box, LinearProgress, Typography } from '@mui/material';
import { isFinished, progressPercent } from './taskRecords';

/** The task's `progress` ("46%") as a bar; indeterminate while queued without a figure. */
export function TaskProgress({
  progress,
  status,
  width = 120,
}: {
  progress: string | null | undefined;
  status: string;
  width?: number | string;
}) {
  const value = progressPercent(progress, status);
  const waiting = !isFinished(status) && !value;
  const color = status === 'FAILURE' ? 'error' : status === 'SUCCESS' ? 'success' : status === 'CANCEL' ? 'inherit' : 'primary';
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, width }} role="progressbar" aria-valuenow={value} aria-label="progress">
      <LinearProgress
        sx={{ flex: 1, height: 6, borderRadius: 3 }}
        variant={waiting ? 'indeterminate' : 'determinate'}
        value={value}
        color={color}
      />
      <Typography variant="caption" sx={{ minWidth: 34, textAlign: 'right' }} color="text.secondary">
        {waiting ? '' : `${Math.round(value)}%`}
      </Typography>
    </Box>
  );
}
