import { useState } from 'react';
import { Box, Dialog, IconButton, ImageList, ImageListItem, Typography } from '@mui/material';
import CloseIcon from '@mui/icons-material/Close';
import ImageIcon from '@mui/icons-material/ImageOutlined';
import { useStableMediaUrl } from './useStableMediaUrl';
import { thumbnailUrl } from './taskRecords';

/** The task's full image (click to zoom), its four single images when known, and the video when there is one. */
export function TaskMedia({
  imageUrl,
  imageUrls = [],
  videoUrl,
  finished,
}: {
  imageUrl: string;
  imageUrls?: string[];
  videoUrl?: string;
  finished: boolean;
}) {
  const [zoomed, setZoomed] = useState<string | null>(null);
  const src = useStableMediaUrl(imageUrl, finished);
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {videoUrl ? (
        <Box
          component="video"
          src={videoUrl}
          controls
          loop
          playsInline
          poster={src || undefined}
          sx={{ width: '100%', maxHeight: '70vh', borderRadius: 1, bgcolor: 'black' }}
          data-testid="task-video"
        />
      ) : src ? (
        <Box
          component="img"
          src={src}
          alt="Task result"
          data-testid="task-image"
          onClick={() => setZoomed(src)}
          sx={{ width: '100%', maxHeight: '70vh', objectFit: 'contain', borderRadius: 1, cursor: 'zoom-in', bgcolor: 'action.hover' }}
        />
      ) : (
        <Box sx={{ height: 320, display: 'grid', placeItems: 'center', bgcolor: 'action.hover', borderRadius: 1, color: 'text.disabled' }}>
          <Box sx={{ textAlign: 'center' }}>
            <ImageIcon fontSize="large" />
            <Typography variant="body2">No image yet</Typography>
          </Box>
        </Box>
      )}
      {imageUrls.length > 0 && (
        <ImageList cols={4} gap={8} sx={{ m: 0 }}>
          {imageUrls.map((url, index) => (
            <ImageListItem key={url} onClick={() => setZoomed(url)} sx={{ cursor: 'zoom-in' }}>
              <img
                src={thumbnailUrl(url)}
                alt={`Image ${index + 1}`}
                loading="lazy"
                style={{ borderRadius: 4, aspectRatio: '1', objectFit: 'cover' }}
              />
            </ImageListItem>
          ))}
        </ImageList>
      )}
      <Dialog open={!!zoomed} onClose={() => setZoomed(null)} maxWidth={false}>
        <IconButton
          aria-label="Close"
          onClick={() => setZoomed(null)}
          sx={{ position: 'absolute', right: 8, top: 8, bgcolor: 'background.paper' }}
        >
          <CloseIcon />
        </IconButton>
        {zoomed && (
          <Box
            component="img"
            src={zoomed}
            alt="Zoomed"
            onClick={() => setZoomed(null)}
            sx={{ display: 'block', maxWidth: '95vw', maxHeight: '92vh', cursor: 'zoom-out' }}
          />
        )}
      </Dialog>
    </Box>
  );
}
