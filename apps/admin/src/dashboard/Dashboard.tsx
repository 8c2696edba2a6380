import {
  Box,
  Button,
  Card,
  CardContent,
  CardHeader,
  Grid,
  Skeleton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  useTheme,
} from '@mui/material';
import BrushIcon from '@mui/icons-material/Brush';
import { useQuery } from '@tanstack/react-query';
import { Title, usePermissions } from 'react-admin';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { statusColor, statusLabel } from '../tasks/StatusChip';
import { formatDuration } from '../tasks/taskRecords';
import { BarChart } from './BarChart';
import { channelStats, countByStatus, windowStart } from './taskStats';

function Panel({
  title,
  subheader,
  loading,
  children,
}: {
  title: string;
  subheader?: string;
  loading: boolean;
  children: React.ReactNode;
}) {
  return (
    <Card sx={{ height: '100%' }}>
      <CardHeader title={title} subheader={subheader} slotProps={{ title: { variant: 'subtitle1' }, subheader: { variant: 'caption' } }} />
      <CardContent sx={{ pt: 0 }}>{loading ? <Skeleton variant="rounded" height={160} /> : children}</CardContent>
    </Card>
  );
}

function useWindow() {
  // One window per minute keeps the query key stable across renders.
  return windowStart(Math.floor(Date.now() / 60_000) * 60_000);
}

function StatusPanel() {
  const theme = useTheme();
  const since = useWindow();
  const { data, isPending } = useQuery({
    queryKey: ['dashboard', 'status', since],
    queryFn: () => countByStatus(since),
    staleTime: 60_000,
  });
  const total = data?.reduce((sum, row) => sum + row.count, 0) ?? 0;
  const paletteColor = (status: string) => {
    const color = statusColor(status);
    return color && color !== 'default' ? theme.palette[color].main : theme.palette.grey[500];
  };
  return (
    <Panel title="Tasks by status" subheader={`Last 24 hours · ${total} tasks`} loading={isPending}>
      <BarChart
        label="Tasks by status"
        bars={(data ?? []).map((row) => ({ label: statusLabel(row.status), value: row.count, color: paletteColor(row.status) }))}
      />
    </Panel>
  );
}

function ChannelPanels() {
  const theme = useTheme();
  const since = useWindow();
  const { data, isPending } = useQuery({
    queryKey: ['dashboard', 'channels', since],
    queryFn: () => channelStats(24),
    staleTime: 60_000,
  });
  const rows = data?.channels ?? [];
  const resting = rows.filter((row) => row.state !== 'closed');
  return (
    <>
      <Grid size={{ xs: 12, md: 6, xl: 4 }}>
        <Panel title="Success rate by channel" subheader="Last 24 hours · successes among finished tasks" loading={isPending}>
          <BarChart
            label="Success rate by channel"
            max={1}
            empty="No channels"
            bars={rows.map((row) => ({
              label: row.name,
              value: row.successRate ?? 0,
              display: row.successRate === null ? '—' : `${Math.round(row.successRate * 100)}%`,
              color:
                row.successRate === null
                  ? theme.palette.grey[400]
                  : row.successRate >= 0.9
                    ? theme.palette.success.main
                    : row.successRate >= 0.6
                      ? theme.palette.warning.main
                      : theme.palette.error.main,
            }))}
          />
        </Panel>
      </Grid>
      <Grid size={{ xs: 12, md: 6, xl: 4 }}>
        <Panel title="Time to finish" subheader="Last 24 hours · p50 / p95 from submit, by action × mode" loading={isPending}>
          {data?.timings.length ? (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Action</TableCell>
                  <TableCell>Mode</TableCell>
                  <TableCell align="right">p50</TableCell>
                  <TableCell align="right">p95</TableCell>
                  <TableCell align="right">Tasks</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.timings.map((row) => (
                  <TableRow key={`${row.action}-${row.mode}`}>
                    <TableCell>{row.action}</TableCell>
                    <TableCell>{row.mode}</TableCell>
                    <TableCell align="right">{formatDuration(Math.round(row.p50_s))}</TableCell>
                    <TableCell align="right">{formatDuration(Math.round(row.p95_s))}</TableCell>
                    <TableCell align="right">{row.finished}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <Typography variant="body2" color="text.secondary">
              No finished tasks
            </Typography>
          )}
        </Panel>
      </Grid>
      <Grid size={{ xs: 12, md: 6, xl: 4 }}>
        <Panel title="Channel health" subheader="Breakers not closed · tasks unfinished after 10 minutes" loading={isPending}>
          <Typography variant="h4" component="p" data-testid="stuck-tasks">
            {data?.stuck ?? '—'}
          </Typography>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            stuck tasks
          </Typography>
          {resting.length ? (
            resting.map((row) => (
              <Typography key={row.id} variant="body2">
                <strong>{row.name}</strong>: {row.state.replace('_', '-')} — {row.stateReason}
              </Typography>
            ))
          ) : (
            <Typography variant="body2" color="text.secondary">
              Every channel is healthy
            </Typography>
          )}
        </Panel>
      </Grid>
    </>
  );
}

/** The gateway's queue now: tasks waiting per channel ("Any channel": whichever has room first), refreshed every 5 s. */
function QueuePanel() {
  const theme = useTheme();
  const { data, isPending } = useQuery({
    queryKey: ['dashboard', 'queue'],
    queryFn: async () => {
      const [{ channels: depths }, { items }] = await Promise.all([
        unwrap(api.GET('/api/mj/queue')),
        unwrap(api.GET('/api/channels', { params: { query: { p: 1, page_size: 100 } } })),
      ]);
      const names = new Map(items.map((channel) => [channel.id, channel.name]));
      return depths
        .filter((row) => row.queued > 0 || row.in_flight > 0)
        .map((row) => ({ ...row, name: row.channel_id ? (names.get(row.channel_id) ?? `#${row.channel_id}`) : 'Any channel' }));
    },
    refetchInterval: 5_000,
  });
  const rows = data ?? [];
  const waiting = rows.reduce((sum, row) => sum + row.queued, 0);
  return (
    <Panel title="Queue depth by channel" subheader={`Now · ${waiting} waiting in the gateway queue`} loading={isPending}>
      <BarChart
        label="Queue depth by channel"
        empty="Nothing queued"
        bars={rows
          .filter((row) => row.queued > 0)
          .map((row) => ({
            label: row.name,
            value: row.queued,
            display: `${row.queued} (${row.in_flight} upstream)`,
            color: theme.palette.warning.main,
          }))}
      />
    </Panel>
  );
}

function BalancePanel() {
  const { data, isPending } = useQuery({
    queryKey: ['dashboard', 'self'],
    queryFn: () => unwrap(api.GET('/api/user/self')),
    staleTime: 30_000,
  });
  return (
    <Panel title="Your balance" loading={isPending}>
      <Typography variant="h3" component="p" data-testid="balance">
        {(data as { quota?: number } | undefined)?.quota ?? '—'}
      </Typography>
      <Typography variant="body2" color="text.secondary" gutterBottom>
        quota
      </Typography>
      <Button component={Link} to="/imagine" variant="contained" startIcon={<BrushIcon />} sx={{ mt: 2 }}>
        Imagine
      </Button>
    </Panel>
  );
}

/** Admins: the gateway's last 24 h and its channels. Users: their own tasks and balance. */
export default function Dashboard() {
  const { permissions } = usePermissions();
  const isAdmin = permissions === 'admin';
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="Dashboard" />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 6, xl: 4 }}>
          <StatusPanel />
        </Grid>
        {isAdmin ? (
          <>
            <ChannelPanels />
            <Grid size={{ xs: 12, md: 6, xl: 4 }}>
              <QueuePanel />
            </Grid>
          </>
        ) : (
          <Grid size={{ xs: 12, md: 6, xl: 4 }}>
            <BalancePanel />
          </Grid>
        )}
      </Grid>
    </Box>
  );
}
