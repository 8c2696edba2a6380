import { lazy } from 'react';
import TaskIcon from '@mui/icons-material/AutoAwesomeMosaic';
import type { Task } from './taskRecords';

export default {
  list: lazy(() => import('./TaskList')),
  show: lazy(() => import('./TaskShow')),
  icon: TaskIcon,
  recordRepresentation: (task: Task) => `${task.action} ${task.mj_id}`,
};
