import { useState } from 'react';
import { Box } from '@mui/material';
import ImageIcon from '@mui/icons-material/ImageOutlined';
import BrokenImageIcon from '@mui/icons-material/BrokenImageOutlined';
import { useStableMediaUrl } from './useStableMediaUrl';
import { thumbnailUrl } from './taskRecords';

/** A small preview of the task's image (`?w=256` on gateway URLs), or a placeholder. */
export function TaskThumbnail({ url, finished, size = 56 }: { url: string; finished: boolean; size?: number }) {
  const src = useStableMediaUrl(url ? thumbnailUrl(url) : '', finished);
  const [failed, setFailed] = useState<string | null>(null);
  const frame = { width: size, height: size, borderRadius: 1, border: 1, borderColor: 'divider', flexShrink: 0 } as const;
  if (!src || failed === src) {
    return (
      <Box sx={{ ...frame, display: 'grid', placeItems: 'center', color: 'text.disabled', bgcolor: 'action.hover' }}>
        {src ? <BrokenImageIcon fontSize="small" /> : <ImageIcon fontSize="small" />}
      </Box>
    );
  }
  return (
    <Box
      component="img"
      src={src}
      alt=""
      loading="lazy"
      onError={() => setFailed(src)}
      sx={{ ...frame, objectFit: 'cover', display: 'block', bgcolor: 'action.hover' }}
    />
  );
}
