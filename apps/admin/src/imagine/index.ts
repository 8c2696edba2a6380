import { lazy } from 'react';

export const ImaginePage = lazy(() => import('./ImaginePage'));
