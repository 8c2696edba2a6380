import { lazy } from 'react';
import KeyIcon from '@mui/icons-material/VpnKeyOutlined';

export default {
  list: lazy(() => import('./TokenList')),
  create: lazy(() => import('./TokenCreate')),
  icon: KeyIcon,
  recordRepresentation: (key: { name: string }) => key.name,
};
