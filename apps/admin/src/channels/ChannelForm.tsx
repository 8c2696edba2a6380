import { BooleanInput, NumberInput, PasswordInput, SimpleForm, TextInput, required, useRecordContext, type Validator } from 'react-admin';
import type { Channel } from './channelRecords';

const httpUrl: Validator = (value: string) => (value && !/^https?:\/\/[^\s/]+/i.test(value) ? 'An http(s):// URL' : undefined);

function SecretInput() {
  const channel = useRecordContext<Channel>();
  const helper = channel
    ? `Write-only. ${channel.secret_mask ? `Current: ${channel.secret_mask}. ` : 'None set. '}Leave empty to keep it.`
    : 'Sent to the upstream as mj-api-secret; never shown again.';
  return <PasswordInput source="secret" label="Secret (mj-api-secret)" helperText={helper} autoComplete="new-password" fullWidth />;
}

/** The secret is write-only: the API answers `secret_mask`; the field starts empty and is sent only when filled. */
export function ChannelForm() {
  return (
    <SimpleForm
      defaultValues={{ type: 'midjourney-proxy', enabled: true, priority: 0, weight: 1, max_running: 3, max_queued: 10 }}
      sx={{ maxWidth: 560 }}
    >
      <TextInput source="name" validate={required()} fullWidth />
      <TextInput
        source="base_url"
        label="Base URL"
        validate={[required(), httpUrl]}
        helperText="The midjourney-proxy server, e.g. http://mj-proxy:8080"
        fullWidth
      />
      <TextInput
        source="type"
        label="Upstream kind"
        validate={required()}
        helperText="midjourney-proxy, or a kind an extension module adds (docs/extending.md)"
        fullWidth
      />
      <SecretInput />
      <BooleanInput source="enabled" />
      <NumberInput source="priority" step={1} helperText="Higher is tried first" />
      <NumberInput source="weight" step={1} helperText="Share among channels of the same priority" />
      <NumberInput source="max_running" label="Max running" step={1} min={1} helperText="Tasks the upstream runs at once (its coreSize)" />
      <NumberInput
        source="max_queued"
        label="Max queued upstream"
        step={1}
        min={0}
        helperText="Tasks the upstream queues behind those (its queueSize); past both, the gateway queues them itself"
      />
    </SimpleForm>
  );
}
