import { useState } from 'react';
import { Create, DateTimeInput, NumberInput, SimpleForm, TextInput, required, useRedirect } from 'react-admin';
import type { Schemas } from '../api/client';
import { unixSeconds } from '../dataProvider';
import { KeyDialog } from './KeyDialog';

type Created = Schemas['CreatedApiKeyDto'];

/** Empty optional fields are left out; the expiry goes as Unix seconds. */
const transform = (data: Record<string, unknown>) => ({
  name: data.name,
  expires_at: unixSeconds(data.expires_at),
  quota_limit: data.quota_limit === null || data.quota_limit === '' ? undefined : data.quota_limit,
  hook_url: typeof data.hook_url === 'string' && data.hook_url.trim() ? data.hook_url.trim() : undefined,
});

export default function TokenCreate() {
  const [created, setCreated] = useState<Created | null>(null);
  const redirect = useRedirect();
  return (
    <>
      <Create
        title="New API key"
        transform={transform}
        redirect={false}
        mutationOptions={{ onSuccess: (data: Created) => setCreated(data) }}
      >
        <SimpleForm sx={{ maxWidth: 480 }}>
          <TextInput source="name" validate={required()} fullWidth />
          <DateTimeInput source="expires_at" label="Expires" helperText="Optional" />
          <NumberInput source="quota_limit" label="Quota limit" step={1} helperText="Optional: most quota this key may spend" />
          <TextInput
            source="hook_url"
            label="Callback URL"
            fullWidth
            helperText="Optional: where this key's tasks report when a submit names no notifyHook"
          />
        </SimpleForm>
      </Create>
      <KeyDialog
        apiKey={created?.key ?? null}
        hookSecret={created?.hook_secret}
        name={created?.name ?? ''}
        onClose={() => {
          setCreated(null);
          redirect('list', 'tokens');
        }}
      />
    </>
  );
}
