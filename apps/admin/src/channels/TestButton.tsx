import { useState } from 'react';
import { Box, Button, Chip, CircularProgress, Tooltip } from '@mui/material';
import NetworkCheckIcon from '@mui/icons-material/NetworkCheck';
import { useDataProvider, useNotify, useRecordContext } from 'react-admin';
import type { ConsoleDataProvider } from '../dataProvider';
import type { Channel, ChannelTest } from './channelRecords';

/** Probes the upstream and shows the answer next to the button: latency, or what is wrong. */
export function TestButton() {
  const channel = useRecordContext<Channel>();
  const dataProvider = useDataProvider<ConsoleDataProvider>();
  const notify = useNotify();
  const [result, setResult] = useState<ChannelTest | null>(null);
  const [testing, setTesting] = useState(false);
  if (!channel) return null;

  const test = async (event: React.MouseEvent) => {
    event.stopPropagation();
    setTesting(true);
    try {
      setResult(await dataProvider.testChannel(channel.id));
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setTesting(false);
    }
  };

  const ok = result?.reachable && result.authorized;
  return (
    <Box sx={{ display: 'inline-flex', alignItems: 'center', gap: 1 }} onClick={(event) => event.stopPropagation()}>
      <Button
        size="small"
        onClick={(event) => void test(event)}
        disabled={testing}
        startIcon={testing ? <CircularProgress size={14} /> : <NetworkCheckIcon />}
      >
        Test
      </Button>
      {result && (
        <Tooltip title={result.message || (ok ? 'Reachable and authorized' : '')}>
          <Chip
            size="small"
            data-testid="channel-test-result"
            color={ok ? 'success' : result.reachable ? 'warning' : 'error'}
            label={ok ? `${result.latency_ms} ms` : result.reachable ? `Unauthorized (${result.status})` : 'Unreachable'}
          />
        </Tooltip>
      )}
    </Box>
  );
}
