import { useCallback } from 'react';
import { useNavigate } from 'react-router-dom';
import { listTasks } from '../dataProvider';
import { taskShowPath } from './taskRecords';

/** Opens a task's page by its mj_id (what the relay answers), finding its row id through the list. */
export function useOpenTask(): (mjId: string) => Promise<void> {
  const navigate = useNavigate();
  return useCallback(
    async (mjId: string) => {
      const { items } = await listTasks({ mj_id: mjId }, { page: 1, perPage: 1 });
      if (items[0]) navigate(taskShowPath(items[0]));
      else navigate(`/tasks?filter=${encodeURIComponent(JSON.stringify({ mj_id: mjId }))}`);
    },
    [navigate],
  );
}
