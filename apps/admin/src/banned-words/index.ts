import { lazy } from 'react';
import BlockIcon from '@mui/icons-material/Block';
import type { BannedWord } from './bannedWordRecords';

export default {
  list: lazy(() => import('./BannedWordList')),
  create: lazy(() => import('./BannedWordCreate')),
  edit: lazy(() => import('./BannedWordEdit')),
  icon: BlockIcon,
  recordRepresentation: (word: BannedWord) => word.phrase,
};
