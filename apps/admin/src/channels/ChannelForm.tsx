import { Typography } from '@mui/material';
import {
  BooleanInput,
  CheckboxGroupInput,
  NumberInput,
  PasswordInput,
  SimpleForm,
  TextInput,
  minValue,
  required,
  useRecordContext,
  type Validator,
} from 'react-admin';
import type { Channel } from './channelRecords';

const httpUrl: Validator = (value: string) => (value && !/^https?:\/\/[^\s/]+/i.test(value) ? 'An http(s):// URL' : undefined);

function SecretInput() {
  const channel = useRecordContext<Channel>();
  const helper = channel
    ? `Write-only. ${channel.secret_mask ? `Current: ${channel.secret_mask}. ` : 'None set. '}Leave empty to keep it.`
    : 'Sent to the upstream as mj-api-secret; never shown again.';
  return <PasswordInput source="secret" label="Secret (mj-api-secret)" helperText={helper} autoComplete="new-password" fullWidth />;
}

const ACTIONS = [
  'imagine',
  'upscale',
  'variation',
  'reroll',
  'zoom',
  'pan',
  'inpaint',
  'describe',
  'blend',
  'shorten',
  'video',
  'edits',
  'face_swap',
  'upload',
].map((id) => ({ id, name: id.replace('_', ' ') }));
const MODES = ['fast', 'relax', 'turbo'].map((id) => ({ id, name: id }));
const BOTS = [
  { id: 'mj', name: 'Midjourney' },
  { id: 'niji', name: 'Niji' },
];

const EVERYTHING = {
  capabilities: { actions: ACTIONS.map((a) => a.id), modes: MODES.map((m) => m.id), bots: BOTS.map((b) => b.id), image_urls: true },
};

function Section({ children }: { children: string }) {
  return (
    <Typography variant="subtitle2" sx={{ mt: 2 }}>
      {children}
    </Typography>
  );
}

/** The secret is write-only: the API answers `secret_mask`; the field starts empty and is sent only when filled. */
export function ChannelForm() {
  return (
    <SimpleForm
      defaultValues={{
        type: 'midjourney-proxy',
        enabled: true,
        priority: 0,
        weight: 1,
        breaker_failures: 5,
        breaker_window_s: 60,
        breaker_cooldown_s: 120,
        min_gap_ms: 0,
        gap_jitter_ms: 0,
        daily_cap: 0,
        max_running: 3,
        max_queued: 10,
        ...EVERYTHING,
      }}
      sx={{ maxWidth: 720 }}
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
      <Section>Capacity: past both, the gateway queues new tasks itself</Section>
      <NumberInput
        source="max_running"
        label="Max running"
        step={1}
        min={0}
        helperText="Tasks the upstream runs at once (its coreSize); 0: no limit"
      />
      <NumberInput
        source="max_queued"
        label="Max queued upstream"
        step={1}
        min={0}
        helperText="Tasks the upstream queues behind those (its queueSize)"
      />
      <Section>Capabilities: new tasks go only to a channel that can do their action, mode and bot</Section>
      <CheckboxGroupInput source="capabilities.actions" label="Actions" choices={ACTIONS} />
      <CheckboxGroupInput source="capabilities.modes" label="Speed modes" choices={MODES} />
      <CheckboxGroupInput source="capabilities.bots" label="Bots" choices={BOTS} />
      <BooleanInput source="capabilities.image_urls" label="Returns v7 imageUrls" />
      <Section>Circuit breaker</Section>
      <NumberInput source="breaker_failures" label="Failures that open it" step={1} validate={minValue(1)} />
      <NumberInput source="breaker_window_s" label="…within seconds" step={1} validate={minValue(1)} />
      <NumberInput
        source="breaker_cooldown_s"
        label="Seconds before a probe (doubles per failed probe, up to 1 h)"
        step={1}
        validate={minValue(1)}
      />
      <Section>Pacing</Section>
      <NumberInput source="min_gap_ms" label="Least gap between submits (ms)" step={100} validate={minValue(0)} />
      <NumberInput source="gap_jitter_ms" label="Random extra gap up to (ms)" step={100} validate={minValue(0)} />
      <NumberInput source="daily_cap" label="Submits per day (0: no cap)" step={1} validate={minValue(0)} />
    </SimpleForm>
  );
}
