import { lazy } from 'react';
import UserIcon from '@mui/icons-material/PeopleOutlined';
import type { User } from './userRecords';

export default {
  list: lazy(() => import('./UserList')),
  create: lazy(() => import('./UserCreate')),
  edit: lazy(() => import('./UserEdit')),
  icon: UserIcon,
  recordRepresentation: (user: User) => user.username,
};
