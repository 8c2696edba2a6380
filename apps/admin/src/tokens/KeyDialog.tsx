import { useState } from 'react';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, Tooltip, Typography } from '@mui/material';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';

/** The new key (and its hook secret), shown this once (only its hash is stored), with a copy button. */
export function KeyDialog({
  apiKey,
  hookSecret,
  name,
  onClose,
}: {
  apiKey: string | null;
  hookSecret?: string;
  name: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!apiKey) return;
    try {
      await navigator.clipboard.writeText(apiKey);
    } catch {
      // Without clipboard permission (plain http), select the text for a manual copy.
      const range = document.createRange();
      const node = document.getElementById('new-api-key');
      if (node) {
        range.selectNodeContents(node);
        window.getSelection()?.removeAllRanges();
        window.getSelection()?.addRange(range);
      }
    }
    setCopied(true);
  };
  return (
    <Dialog open={!!apiKey} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>API key “{name}” created</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          Copy it now: it is not shown again.
        </Alert>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, p: 1.5, borderRadius: 1, bgcolor: 'action.hover' }}>
          <Typography id="new-api-key" data-testid="new-api-key" sx={{ fontFamily: 'monospace', flex: 1, wordBreak: 'break-all' }}>
            {apiKey}
          </Typography>
          <Tooltip title={copied ? 'Copied' : 'Copy'}>
            <IconButton aria-label="Copy key" onClick={() => void copy()}>
              <ContentCopyIcon />
            </IconButton>
          </Tooltip>
        </Box>
        <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
          Use it as <code>Authorization: Bearer sk-…</code> (or the <code>mj-api-secret</code> header) on <code>/mj/*</code>.
        </Typography>
        {hookSecret && <HookSecretBox secret={hookSecret} />}
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onClose}>
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** The secret callbacks are signed with (X-MJ-Signature), shown once: at creation and after a rotation. */
export function HookSecretBox({ secret }: { secret: string }) {
  return (
    <Box sx={{ mt: 2 }}>
      <Typography variant="subtitle2">Hook secret</Typography>
      <Typography
        data-testid="hook-secret"
        sx={{ fontFamily: 'monospace', wordBreak: 'break-all', p: 1.5, borderRadius: 1, bgcolor: 'action.hover' }}
      >
        {secret}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        Verify each callback: <code>X-MJ-Signature: t=…,v1=…</code> is the hex HMAC-SHA256 of <code>&lt;t&gt;.&lt;raw body&gt;</code> with
        this secret.
      </Typography>
    </Box>
  );
}
