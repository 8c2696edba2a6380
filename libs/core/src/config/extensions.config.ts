import { InvalidEnvironmentError } from './env';

/** One entry of EXTENSIONS: a module path (or package name), optionally `#ExportName`. */
export interface ExtensionSpec {
  /** As written: `./extensions/notifier`, `examples/prompt-translator#PromptTranslatorModule`, `@acme/mj-audit`. */
  entry: string;
  path: string;
  exportName?: string;
}

const ENTRY = /^([^\s,#]+)(?:#([A-Za-z_$][\w$]*))?$/;

/**
 * `EXTENSIONS`: a comma-separated list of Nest modules to load at boot beside the gateway's own. Read when the app
 * module is scanned (before the config providers exist), so here rather than in a `registerAs`.
 */
export function extensionsFromEnv(env: NodeJS.ProcessEnv = process.env): ExtensionSpec[] {
  const value = env.EXTENSIONS ?? '';
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const match = ENTRY.exec(entry);
    if (!match) {
      throw new InvalidEnvironmentError(
        'EXTENSIONS',
        'must be a comma-separated list of module paths or package names, each optionally followed by #ExportName',
        value,
      );
    }
    return { entry, path: match[1], exportName: match[2] };
  });
}
