import { useState } from 'react';
import { Alert, Box, Button, Card, CardContent, TextField } from '@mui/material';
import { useDataProvider, useNotify } from 'react-admin';
import type { ConsoleDataProvider } from '../dataProvider';
import type { PromptVerdict } from './bannedWordRecords';

/** Tries a prompt against the list as submits see it, without submitting anything. */
export function PromptTester() {
  const dataProvider = useDataProvider<ConsoleDataProvider>();
  const notify = useNotify();
  const [prompt, setPrompt] = useState('');
  const [verdict, setVerdict] = useState<PromptVerdict | null>(null);

  const test = async () => {
    try {
      setVerdict(await dataProvider.testPrompt(prompt));
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    }
  };

  return (
    <Card sx={{ mb: 2 }}>
      <CardContent>
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
          <TextField
            size="small"
            label="Try a prompt"
            value={prompt}
            onChange={(event) => {
              setPrompt(event.target.value);
              setVerdict(null);
            }}
            onKeyDown={(event) => event.key === 'Enter' && void test()}
            fullWidth
          />
          <Button variant="outlined" onClick={() => void test()} disabled={!prompt.trim()}>
            Test
          </Button>
        </Box>
        {verdict && (
          <Alert severity={verdict.banned ? 'error' : 'success'} sx={{ mt: 1 }} data-testid="prompt-verdict">
            {verdict.banned ? `Refused (code 24): contains "${verdict.word}"` : 'Accepted: no banned word'}
          </Alert>
        )}
      </CardContent>
    </Card>
  );
}
