import { lazy } from 'react';
import WebhookIcon from '@mui/icons-material/Webhook';

export default {
  list: lazy(() => import('./DeliveryList')),
  icon: WebhookIcon,
  recordRepresentation: (delivery: { id: number; task_id: string }) => `event ${delivery.id} (${delivery.task_id})`,
};
