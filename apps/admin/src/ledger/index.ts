import { lazy } from 'react';
import LedgerIcon from '@mui/icons-material/ReceiptLongOutlined';

export default {
  list: lazy(() => import('./LedgerList')),
  icon: LedgerIcon,
  recordRepresentation: (entry: { id: number; kind: string }) => `${entry.kind} #${entry.id}`,
};
