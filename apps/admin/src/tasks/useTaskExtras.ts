import { useQuery } from '@tanstack/react-query';
import { useGetIdentity } from 'react-admin';
import { relay, type TaskButton } from '../api/relay';
import { listedButtons, urlList, type Task } from './taskRecords';

/**
 * A task's follow-up buttons and single images: from the list item when the API carries them, else from the
 * relay's fetch (which answers only the caller's own tasks, with the console's API key). Buttons only for the
 * caller's own tasks: the relay refuses actions on other users' tasks.
 */
export function useTaskExtras(task: Task | undefined): { buttons: TaskButton[]; imageUrls: string[]; own: boolean } {
  const { identity } = useGetIdentity();
  const own = !!task && (task.user_id === undefined || task.user_id === identity?.id);
  const listed = task ? listedButtons(task) : undefined;
  const images = urlList(task?.image_urls);
  const needsRelay = !!task && own && task.status === 'SUCCESS' && (listed === undefined || task.image_urls === undefined);
  const fetched = useQuery({
    queryKey: ['relay-task', task?.mj_id, task?.status],
    queryFn: () => relay.fetch(task!.mj_id),
    enabled: needsRelay,
    staleTime: 60_000,
    retry: false,
  });
  return {
    own,
    buttons: (own ? (listed ?? fetched.data?.buttons) : undefined) ?? [],
    imageUrls: images.length ? images : urlList(fetched.data?.imageUrls),
  };
}
