import { Chip, Typography, type ChipProps } from '@mui/material';
import { useFieldValue, type FieldProps } from 'react-admin';

const KIND_COLORS: Record<string, ChipProps['color']> = {
  hold: 'warning',
  capture: 'primary',
  release: 'info',
  refund: 'success',
  adjustment: 'secondary',
};

export const kindChoices = Object.keys(KIND_COLORS).map((id) => ({ id, name: id }));

export function LedgerKind({ source = 'kind' }: FieldProps) {
  const kind = String(useFieldValue({ source }) ?? '');
  return <Chip size="small" variant="outlined" label={kind} color={KIND_COLORS[kind] ?? 'default'} />;
}

/** Signed: money in green, money out in red. */
export function LedgerAmount({ source = 'amount' }: FieldProps) {
  const amount = Number(useFieldValue({ source }) ?? 0);
  return (
    <Typography
      component="span"
      variant="body2"
      color={amount > 0 ? 'success.main' : amount < 0 ? 'error.main' : 'text.secondary'}
      sx={{ fontVariantNumeric: 'tabular-nums' }}
    >
      {amount > 0 ? `+${amount}` : amount}
    </Typography>
  );
}
