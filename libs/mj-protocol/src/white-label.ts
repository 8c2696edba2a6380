import type { TaskProperties } from './task';

/**
 * Properties that name the upstream's account, its Discord channel and messages, or our own callback: never shown
 * to clients (the gateway stands where the upstream would). What describes the task itself stays (finalPrompt,
 * finalZhPrompt, botType, flags…).
 */
const UPSTREAM_KEYS = new Set([
  'discordInstanceId',
  'discordChannelId',
  'instanceId',
  'channelId',
  'guildId',
  'accountId',
  'messageId',
  'progressMessageId',
  'referencedMessageId',
  'interactionMessageId',
  'nonce',
  'messageHash',
  'messageContent',
  'notifyHook',
  'remixModalMessageId',
]);

/** Properties (of a task or a submit answer) without the upstream's account, channel and message ids. */
export function withoutUpstreamIds(properties: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties ?? {})) {
    if (!UPSTREAM_KEYS.has(key) && !/(Id|Hash|Url)$/.test(key)) out[key] = value;
  }
  return out;
}

/** A task's properties as a client may see them: without the upstream's ids; the two prompts always strings. */
export function publicProperties(properties: Record<string, unknown> | null | undefined, prompt = ''): TaskProperties {
  const out: TaskProperties = withoutUpstreamIds(properties);
  out.finalPrompt = typeof out.finalPrompt === 'string' ? out.finalPrompt : prompt;
  out.finalZhPrompt = typeof out.finalZhPrompt === 'string' ? out.finalZhPrompt : '';
  return out;
}
