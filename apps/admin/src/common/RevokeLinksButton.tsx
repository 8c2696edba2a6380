import { useState } from 'react';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import { Button, Confirm, type Identifier, useDataProvider, useNotify, useRecordContext } from 'react-admin';
import type { ConsoleDataProvider } from '../dataProvider';

/**
 * Revokes the durable media links the relay handed out (a leaked link, a customer gone): of one task, or of every task
 * of a user. The console's own links expire by themselves and are not affected.
 */
export function RevokeLinksButton({ of }: { of: 'task' | 'user' }) {
  const record = useRecordContext<{ id: Identifier }>();
  const dataProvider = useDataProvider<ConsoleDataProvider>();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!record) return null;

  const revoke = async () => {
    setBusy(true);
    try {
      await (of === 'task' ? dataProvider.revokeTaskLinks(record.id) : dataProvider.revokeUserLinks(record.id));
      notify('Links revoked: the ones handed out so far stop working within seconds', { type: 'info' });
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  return (
    <>
      <Button label="Revoke links" onClick={() => setOpen(true)} disabled={busy}>
        <LinkOffIcon />
      </Button>
      <Confirm
        isOpen={open}
        loading={busy}
        title={of === 'task' ? "Revoke this task's links?" : "Revoke all of this user's links?"}
        content={
          of === 'task'
            ? 'Every image and video link the API handed out for this task stops working. New requests get new links.'
            : "Every image and video link the API handed out for this user's tasks stops working. New requests get new links."
        }
        onConfirm={() => void revoke()}
        onClose={() => setOpen(false)}
      />
    </>
  );
}
