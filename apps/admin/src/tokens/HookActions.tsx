import { useState } from 'react';
import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { Schemas } from '../api/client';
import type { ConsoleDataProvider } from '../dataProvider';
import { HookSecretBox } from './KeyDialog';

type ApiKey = Schemas['ApiKeyDto'];

/** A key's callback settings: its default URL, a test event, and a new hook secret (shown once). */
export function HookActions() {
  const key = useRecordContext<ApiKey>();
  const dataProvider = useDataProvider<ConsoleDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [editing, setEditing] = useState(false);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  if (!key) return null;

  const run = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      notify(done, { type: 'info' });
      return true;
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
      return false;
    }
  };
  const save = async () => {
    if (await run(() => dataProvider.setTokenHook(key.id, url.trim()), url.trim() ? 'Callback URL saved' : 'Callback URL removed')) {
      setEditing(false);
      refresh();
    }
  };
  const rotate = () =>
    run(async () => setSecret((await dataProvider.rotateTokenHookSecret(key.id)).hook_secret), 'New hook secret: copy it now');

  return (
    <Box sx={{ display: 'inline-flex', gap: 0.5 }} onClick={(event) => event.stopPropagation()}>
      <Button
        size="small"
        onClick={() => {
          setUrl(key.hook_url);
          setEditing(true);
        }}
      >
        Callback
      </Button>
      <Button
        size="small"
        disabled={!key.hook_url}
        onClick={() => void run(() => dataProvider.testTokenHook(key.id), 'Test event queued: see Callbacks')}
      >
        Test
      </Button>
      <Button size="small" onClick={() => void rotate()}>
        New secret
      </Button>
      <Dialog open={editing} onClose={() => setEditing(false)} fullWidth maxWidth="sm">
        <DialogTitle>Callback URL of “{key.name}”</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            label="URL"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            helperText="Used when a submit names no notifyHook; empty removes it"
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setEditing(false)}>Cancel</Button>
          <Button variant="contained" onClick={() => void save()}>
            Save
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog open={!!secret} onClose={() => setSecret(null)} fullWidth maxWidth="sm">
        <DialogTitle>New hook secret for “{key.name}”</DialogTitle>
        <DialogContent>{secret && <HookSecretBox secret={secret} />}</DialogContent>
        <DialogActions>
          <Button variant="contained" onClick={() => setSecret(null)}>
            Done
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
