import { Typography } from '@mui/material';
import { useFieldValue, type FieldProps } from 'react-admin';

/** A Unix-seconds timestamp in the browser's locale; 0 (never) as an em dash. */
export function UnixTimeField({ source, empty = '—' }: FieldProps & { source: string; empty?: string }) {
  const value = useFieldValue({ source }) as number | undefined;
  return (
    <Typography component="span" variant="body2" sx={{ whiteSpace: 'nowrap' }}>
      {value ? new Date(value * 1000).toLocaleString() : empty}
    </Typography>
  );
}
