import { useState } from 'react';
import { Box, Button, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { useNotify } from 'react-admin';
import { relay, type TaskButton } from '../api/relay';

/** `MJ::JOB::reroll::0::…` → "Reroll", `MJ::BOOKMARK::…` → "Bookmark": a name for buttons that only have an emoji. */
function buttonName(button: TaskButton): string {
  const parts = button.customId.split('::');
  const kind = ((parts[1] === 'JOB' ? parts[2] : parts[1]) ?? '').replace(/_/g, ' ').toLowerCase();
  return kind ? kind.charAt(0).toUpperCase() + kind.slice(1) : 'Action';
}

function buttonText(button: TaskButton): string {
  return [button.emoji, button.label || buttonName(button)].filter(Boolean).join(' ');
}

/**
 * A finished task's Midjourney buttons (U1–U4, V1–V4, reroll, zoom, pan…), submitted through the relay. Buttons
 * that open a Discord modal (custom zoom, vary region) answer code 21: the prompt is asked for, then `/submit/modal`.
 */
export function FollowUpButtons({
  mjId,
  buttons,
  prompt,
  onSubmitted,
}: {
  mjId: string;
  buttons: TaskButton[];
  prompt: string;
  onSubmitted: (mjId: string) => void;
}) {
  const notify = useNotify();
  const [busy, setBusy] = useState<string | null>(null);
  const [modal, setModal] = useState<{ mjId: string; prompt: string } | null>(null);

  const press = async (button: TaskButton) => {
    setBusy(button.customId);
    try {
      const submitted = await relay.action(mjId, button.customId);
      if (submitted.needsModal) setModal({ mjId: submitted.mjId, prompt });
      else onSubmitted(submitted.mjId);
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(null);
    }
  };

  const confirmModal = async () => {
    if (!modal) return;
    setBusy('modal');
    try {
      const submitted = await relay.modal(modal.mjId, modal.prompt);
      setModal(null);
      onSubmitted(submitted.mjId);
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(null);
    }
  };

  if (!buttons.length) return null;
  return (
    <>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }} data-testid="follow-up-buttons">
        {buttons.map((button) => (
          <Button
            key={button.customId}
            size="small"
            variant="outlined"
            disabled={busy !== null}
            onClick={() => void press(button)}
            startIcon={busy === button.customId ? <CircularProgress size={14} /> : undefined}
          >
            {buttonText(button)}
          </Button>
        ))}
      </Box>
      <Dialog open={!!modal} onClose={() => setModal(null)} fullWidth maxWidth="sm">
        <DialogTitle>Confirm the prompt</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            multiline
            minRows={2}
            margin="dense"
            label="Prompt"
            value={modal?.prompt ?? ''}
            onChange={(event) => setModal((current) => (current ? { ...current, prompt: event.target.value } : current))}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setModal(null)}>Cancel</Button>
          <Button variant="contained" disabled={busy !== null || !modal?.prompt.trim()} onClick={() => void confirmModal()}>
            Submit
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
