import { Chip, Tooltip } from '@mui/material';
import { useRecordContext } from 'react-admin';
import type { Channel } from './channelRecords';

const COLORS = { closed: 'success', open: 'error', half_open: 'warning', disabled: 'default' } as const;
const LABELS = { closed: 'healthy', open: 'open', half_open: 'probing', disabled: 'disabled' } as const;

/** The breaker's state, with why and since when on hover. */
export function StateChip() {
  const channel = useRecordContext<Channel>();
  if (!channel) return null;
  const since = new Date(channel.state_since * 1000).toLocaleString();
  return (
    <Tooltip title={`${channel.state_reason || 'No failures'} (since ${since})`}>
      <Chip size="small" label={LABELS[channel.state]} color={COLORS[channel.state]} variant="outlined" />
    </Tooltip>
  );
}

/** What the channel serves, in one line: "all" where a list is complete. */
export function capabilitySummary(channel: Channel): string {
  const { actions, modes, bots } = channel.capabilities;
  const actionText = actions.length >= 14 ? 'all actions' : actions.length ? actions.join(', ') : 'no actions';
  return `${actionText} · ${modes.join('/') || 'no modes'} · ${bots.join('/') || 'no bots'}`;
}
