import type { Schemas } from './client';

export type SessionUser = Schemas['SessionUserDto'];

export interface Session {
  token: string;
  /** Epoch ms; the console logs out a little before it. */
  expiresAt: number;
  user: SessionUser;
}

const KEY = 'mj-console.session';

/** The logged-in user's dashboard token, kept across reloads. */
export const session = {
  get(): Session | null {
    try {
      const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
      return value && value.expiresAt > Date.now() + 5_000 ? value : null;
    } catch {
      return null;
    }
  },
  set(value: Session): void {
    localStorage.setItem(KEY, JSON.stringify(value));
  },
  clear(): void {
    localStorage.removeItem(KEY);
  },
  isAdmin(): boolean {
    return session.get()?.user.role === 'admin';
  },
};
