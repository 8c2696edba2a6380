import { Chip, Tooltip } from '@mui/material';
import { useSyncExternalStore } from 'react';
import { taskEventStream } from './taskEventStream';

const TEXT = {
  live: { label: 'Live', tip: 'Task changes arrive as they happen' },
  polling: { label: 'Auto-refresh', tip: 'Re-read every few seconds while tasks run' },
  connecting: { label: 'Connecting…', tip: 'Opening the live task stream' },
} as const;

/** Says how the view stays current: the live stream, or polling. */
export function LiveIndicator() {
  const mode = useSyncExternalStore(taskEventStream.onModeChange, taskEventStream.getMode);
  return (
    <Tooltip title={TEXT[mode].tip}>
      <Chip
        size="small"
        variant="outlined"
        data-testid="live-mode"
        data-mode={mode}
        color={mode === 'live' ? 'success' : 'default'}
        label={TEXT[mode].label}
        sx={{ alignSelf: 'center' }}
      />
    </Tooltip>
  );
}
