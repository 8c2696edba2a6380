import { Chip, type ChipProps } from '@mui/material';
import type { TaskStatus } from './taskRecords';

const COLORS: Record<TaskStatus, ChipProps['color']> = {
  NOT_START: 'default',
  SUBMITTED: 'info',
  MODAL: 'warning',
  IN_PROGRESS: 'primary',
  SUCCESS: 'success',
  FAILURE: 'error',
  CANCEL: 'secondary',
};

const LABELS: Record<TaskStatus, string> = {
  NOT_START: 'Queued',
  SUBMITTED: 'Submitted',
  MODAL: 'Waiting input',
  IN_PROGRESS: 'In progress',
  SUCCESS: 'Success',
  FAILURE: 'Failure',
  CANCEL: 'Cancelled',
};

export const statusLabel = (status: string): string => LABELS[status as TaskStatus] ?? status;
export const statusColor = (status: string): ChipProps['color'] => COLORS[status as TaskStatus] ?? 'default';

export function StatusChip({ status, size = 'small' }: { status: string; size?: ChipProps['size'] }) {
  return (
    <Chip
      size={size}
      label={statusLabel(status)}
      color={statusColor(status)}
      variant={status === 'NOT_START' || status === 'CANCEL' ? 'outlined' : 'filled'}
      data-status={status}
    />
  );
}
