import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import SavingsIcon from '@mui/icons-material/SavingsOutlined';
import { useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { ConsoleDataProvider } from '../dataProvider';
import type { User } from './userRecords';

/** Adds to or takes from a user's balance, with a reason, through the ledger (`POST /api/users/:id/quota`). */
export function QuotaButton() {
  const user = useRecordContext<User>();
  const dataProvider = useDataProvider<ConsoleDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  if (!user) return null;

  const close = () => {
    setOpen(false);
    setAmount('');
    setReason('');
    setErrors({});
  };
  const save = async () => {
    const value = Number(amount);
    if (!Number.isInteger(value) || value === 0) return setErrors({ amount: 'A whole number other than 0 (negative takes quota away)' });
    if (!reason.trim()) return setErrors({ reason: 'Say why' });
    setSaving(true);
    try {
      const result = await dataProvider.adjustQuota(user.id, { amount: value, reason: reason.trim() });
      notify(`Balance of ${user.username}: ${(result as { quota?: number })?.quota ?? 'updated'}`, { type: 'success' });
      close();
      refresh();
    } catch (error) {
      const body = (error as { body?: { errors?: Record<string, string> } }).body;
      if (body?.errors) setErrors(body.errors);
      notify((error as Error).message, { type: 'error' });
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <Button
        size="small"
        startIcon={<SavingsIcon />}
        onClick={(event) => {
          event.stopPropagation();
          setOpen(true);
        }}
      >
        Quota
      </Button>
      <Dialog open={open} onClose={close} onClick={(event) => event.stopPropagation()} fullWidth maxWidth="xs">
        <DialogTitle>Adjust quota of {user.username}</DialogTitle>
        <DialogContent>
          <DialogContentText variant="body2">Current balance: {user.quota}. A negative amount takes quota away.</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            margin="normal"
            label="Amount"
            type="number"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={!!errors.amount}
            helperText={errors.amount}
          />
          <TextField
            fullWidth
            margin="normal"
            label="Reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={!!errors.reason}
            helperText={errors.reason}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button variant="contained" onClick={() => void save()} disabled={saving}>
            Apply
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
