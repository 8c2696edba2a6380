import sharedSetup from '../global-setup';
import { buildConsole } from './build-console';

/** The shared setup (template database, embedded PostgreSQL), plus one console build for every browser spec. */
export default async function globalSetup(): Promise<void> {
  buildConsole();
  await sharedSetup();
  process.env.CONSOLE_BROWSER_TESTS = '1';
}
