import { Box, Button, IconButton, Tooltip } from '@mui/material';
import AddPhotoIcon from '@mui/icons-material/AddPhotoAlternateOutlined';
import CloseIcon from '@mui/icons-material/Close';

const MAX_IMAGES = 5;
const MAX_BYTES = 8 * 1024 * 1024;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('Cannot read the file'));
    reader.readAsDataURL(file);
  });
}

/** Optional reference images, sent as data URLs (`base64Array`). */
export function ReferenceImages({
  images,
  onChange,
  onError,
  disabled,
}: {
  images: string[];
  onChange: (images: string[]) => void;
  onError: (message: string) => void;
  disabled?: boolean;
}) {
  const add = async (files: FileList | null) => {
    const picked = Array.from(files ?? []);
    const tooBig = picked.find((file) => file.size > MAX_BYTES);
    if (tooBig) return onError(`${tooBig.name} is larger than 8 MB`);
    if (picked.some((file) => !file.type.startsWith('image/'))) return onError('Only images can be used as references');
    const urls = await Promise.all(picked.map(readAsDataUrl));
    onChange([...images, ...urls].slice(0, MAX_IMAGES));
  };
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
      {images.map((url, index) => (
        <Box key={index} sx={{ position: 'relative' }}>
          <Box
            component="img"
            src={url}
            alt={`Reference ${index + 1}`}
            sx={{ width: 56, height: 56, objectFit: 'cover', borderRadius: 1, border: 1, borderColor: 'divider', display: 'block' }}
          />
          <Tooltip title="Remove">
            <IconButton
              size="small"
              aria-label={`Remove reference ${index + 1}`}
              onClick={() => onChange(images.filter((_, i) => i !== index))}
              sx={{
                position: 'absolute',
                top: -10,
                right: -10,
                bgcolor: 'background.paper',
                boxShadow: 1,
                p: 0.25,
                '&:hover': { bgcolor: 'background.paper' },
              }}
            >
              <CloseIcon sx={{ fontSize: 14 }} />
            </IconButton>
          </Tooltip>
        </Box>
      ))}
      {images.length < MAX_IMAGES && (
        <Button component="label" size="small" startIcon={<AddPhotoIcon />} disabled={disabled}>
          Reference image
          <input
            hidden
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            multiple
            data-testid="reference-image-input"
            onChange={(event) => {
              void add(event.target.files).catch((error: Error) => onError(error.message));
              event.target.value = '';
            }}
          />
        </Button>
      )}
    </Box>
  );
}
