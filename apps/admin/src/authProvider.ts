import type { AuthProvider } from 'react-admin';
import { api, unwrap } from './api/client';
import { session } from './api/session';
import { taskEventStream } from './live/taskEventStream';

/** What an ordinary user may open; admins may open everything. */
const USER_ACCESS: Record<string, readonly string[]> = {
  tasks: ['list', 'show'],
  tokens: ['list', 'create', 'delete'],
  ledger: ['list'],
  'hook-deliveries': ['list'],
  prices: ['list'],
  imagine: ['access'],
  dashboard: ['access'],
};

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    const result = await unwrap(api.POST('/api/auth/login', { body: { username, password } }));
    session.set({ token: result.access_token, expiresAt: Date.now() + result.expires_in * 1000, user: result.user });
  },
  async logout() {
    session.clear();
    taskEventStream.close();
  },
  async checkAuth() {
    if (!session.get()) throw new Error('Please log in');
  },
  async checkError(error: { status?: number }) {
    // Only the dashboard's own 401 ends the session; relay key failures are handled where they happen.
    if (error?.status === 401) {
      session.clear();
      throw error;
    }
  },
  async getIdentity() {
    const current = session.get();
    if (!current) throw new Error('Not logged in');
    return { id: current.user.id, fullName: current.user.username, role: current.user.role };
  },
  async getPermissions() {
    return session.get()?.user.role ?? null;
  },
  async canAccess({ resource, action }) {
    const role = session.get()?.user.role;
    if (role === 'admin') return true;
    if (role !== 'user') return false;
    return USER_ACCESS[resource]?.includes(action) ?? false;
  },
};
