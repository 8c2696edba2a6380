import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useRecordContext } from 'react-admin';
import { api } from '../api/client';
import type { Channel } from './channelRecords';

/** The channel's last state changes (breaker, admin, refused secret), newest first. */
export function ChannelEvents() {
  const channel = useRecordContext<Channel>();
  const { data } = useQuery({
    queryKey: ['channel-events', channel?.id, channel?.state_since],
    enabled: !!channel,
    queryFn: async () => {
      const { data: body } = await api.GET('/api/channels/{id}/events', {
        params: { path: { id: channel!.id }, query: { page_size: 20 } },
      });
      return body?.data?.items ?? [];
    },
  });
  if (!channel) return null;
  return (
    <>
      <Typography variant="subtitle2" sx={{ mt: 2 }}>
        State history
      </Typography>
      {data?.length ? (
        <Table size="small" sx={{ maxWidth: 720 }}>
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Change</TableCell>
              <TableCell>Why</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.map((event) => (
              <TableRow key={event.id}>
                <TableCell>{new Date(event.created_at * 1000).toLocaleString()}</TableCell>
                <TableCell>
                  {event.from_state} → {event.to_state}
                </TableCell>
                <TableCell>{event.reason}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2" color="text.secondary">
          No state changes yet.
        </Typography>
      )}
    </>
  );
}
