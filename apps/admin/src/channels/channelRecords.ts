import type { Schemas } from '../api/client';

export type Channel = Schemas['ChannelDto'];
export type ChannelTest = Schemas['ChannelTestDto'];
