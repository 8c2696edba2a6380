import { Box, Typography } from '@mui/material';

export interface Bar {
  label: string;
  value: number;
  /** Shown instead of the value (e.g. "97%", "12s"). */
  display?: string;
  color?: string;
}

/** Horizontal bars, scaled to the largest value (or `max`): light enough to need no chart library. */
export function BarChart({ bars, max, empty = 'No data', label }: { bars: Bar[]; max?: number; empty?: string; label: string }) {
  const top = max ?? Math.max(0, ...bars.map((bar) => bar.value));
  if (!bars.length)
    return (
      <Typography variant="body2" color="text.secondary">
        {empty}
      </Typography>
    );
  return (
    <Box
      role="figure"
      aria-label={label}
      sx={{
        display: 'grid',
        gridTemplateColumns: 'minmax(90px, max-content) 1fr minmax(48px, max-content)',
        columnGap: 1.5,
        rowGap: 1,
        alignItems: 'center',
      }}
    >
      {bars.map((bar) => (
        <Box key={bar.label} sx={{ display: 'contents' }}>
          <Typography variant="body2" noWrap title={bar.label}>
            {bar.label}
          </Typography>
          <Box sx={{ height: 14, bgcolor: 'action.hover', borderRadius: 1, overflow: 'hidden' }}>
            <Box
              sx={{
                height: '100%',
                width: `${top ? (100 * bar.value) / top : 0}%`,
                minWidth: bar.value ? 2 : 0,
                bgcolor: bar.color ?? 'primary.main',
                borderRadius: 1,
                transition: 'width .4s',
              }}
            />
          </Box>
          <Typography variant="body2" sx={{ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
            {bar.display ?? bar.value}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
