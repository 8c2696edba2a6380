import { useQuery } from '@tanstack/react-query';
import { relay, type RelayTask } from '../api/relay';
import { useTaskEvents } from '../live/useTaskEvents';
import { isFinished } from '../tasks/taskRecords';

/** Follows one of the caller's tasks through the relay's fetch: every second, or on its events when live. */
export function useRelayTask(mjId: string | null): { task: RelayTask | undefined; error: Error | null } {
  const query = useQuery({
    queryKey: ['relay-task', mjId, 'live'],
    queryFn: () => relay.fetch(mjId!),
    enabled: !!mjId,
    retry: 2,
  });
  const finished = isFinished(query.data?.status);
  useTaskEvents({
    active: !!mjId && !finished,
    filter: (event) => event.mj_id === mjId,
    onUpdate: () => void query.refetch(),
    pollMs: 1000,
    safetyMs: 5000,
  });
  return { task: query.data, error: query.error };
}
