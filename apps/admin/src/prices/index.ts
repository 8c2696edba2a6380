import { lazy } from 'react';
import PriceIcon from '@mui/icons-material/SellOutlined';

export default {
  list: lazy(() => import('./PriceList')),
  edit: lazy(() => import('./PriceEdit')),
  icon: PriceIcon,
  recordRepresentation: (price: { action: string }) => price.action,
};
