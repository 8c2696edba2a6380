import type { Schemas } from '../api/client';

export type User = Schemas['UserDto'];

export const roleChoices = [
  { id: 'user', name: 'User' },
  { id: 'admin', name: 'Admin' },
];
export const statusChoices = [
  { id: 'enabled', name: 'Enabled' },
  { id: 'disabled', name: 'Disabled' },
];
