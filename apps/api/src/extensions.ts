import { type DynamicModule, forwardRef, type ForwardReference, Module, type Type } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type ExtensionSpec, extensionsFromEnv } from '@app/core';

/** Thrown at boot when an EXTENSIONS entry cannot be loaded; the message names the entry and what went wrong. */
export class ExtensionLoadError extends Error {
  constructor(spec: ExtensionSpec, reason: string) {
    super(`EXTENSIONS entry "${spec.entry}": ${reason}`);
    this.name = 'ExtensionLoadError';
  }
}

type NestModule = Type<unknown> | DynamicModule;

const MODULE_KEYS = ['imports', 'providers', 'controllers', 'exports'];
const isModuleClass = (value: unknown): value is Type<unknown> =>
  typeof value === 'function' && MODULE_KEYS.some((key) => Reflect.hasOwnMetadata(key, value));
const isDynamicModule = (value: unknown): value is DynamicModule =>
  typeof value === 'object' && value !== null && isModuleClass((value as DynamicModule).module);
const isNestModule = (value: unknown): value is NestModule => isModuleClass(value) || isDynamicModule(value);

/** When the gateway runs compiled (dist/), a path into the source tree means its compiled twin. */
function candidates(path: string): string[] {
  if (!path.startsWith('.') && !isAbsolute(path)) return [path];
  const absolute = resolve(process.cwd(), path);
  if (!__filename.endsWith('.js')) return [absolute];
  const distRoot = resolve(__dirname, '../../..');
  const inRepo = relative(resolve(distRoot, '..'), absolute);
  const compiled = join(distRoot, inRepo);
  return inRepo.startsWith('..') || absolute.startsWith(distRoot) || !existsSync(resolve(distRoot, '..', 'package.json'))
    ? [absolute]
    : [compiled, absolute];
}

function requireExtension(spec: ExtensionSpec): Record<string, unknown> {
  const tried: string[] = [];
  for (const candidate of candidates(spec.path)) {
    let resolved: string;
    try {
      resolved = require.resolve(candidate, { paths: [process.cwd()] });
    } catch {
      tried.push(candidate);
      continue;
    }
    try {
      // A path known only at boot: require is the loader (and, under Jest, the one that compiles TypeScript).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(resolved) as Record<string, unknown>;
    } catch (error) {
      throw new ExtensionLoadError(spec, `loading ${resolved} failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new ExtensionLoadError(spec, `cannot find a module at ${tried.join(' or ')} (paths are relative to ${process.cwd()})`);
}

/** The Nest module an EXTENSIONS entry names: `#Export`, else the default export, else its only exported module. */
export function loadExtension(spec: ExtensionSpec): NestModule {
  const exported = requireExtension(spec);
  if (spec.exportName) {
    const named = exported[spec.exportName];
    if (named === undefined) throw new ExtensionLoadError(spec, `it exports nothing named ${spec.exportName}`);
    if (!isNestModule(named))
      throw new ExtensionLoadError(spec, `${spec.exportName} is not a Nest module (@Module class or dynamic module)`);
    return named;
  }
  if (isNestModule(exported.default)) return exported.default;
  const modules = Object.entries(exported).filter(([, value]) => isNestModule(value));
  if (modules.length === 1) return modules[0][1] as NestModule;
  if (!modules.length) throw new ExtensionLoadError(spec, 'it exports no Nest module (an @Module class or a dynamic module)');
  const names = modules.map(([name]) => name);
  throw new ExtensionLoadError(spec, `it exports several modules (${names.join(', ')}): name one, e.g. "${spec.path}#${names[0]}"`);
}

@Module({})
export class ExtensionsModule {
  private static readonly loaded = new Map<string, DynamicModule>();

  /**
   * The modules named by `EXTENSIONS`, loaded when Nest scans the app module (not when it is imported), so the
   * environment of the start counts. A failure stops the start with a message that names the entry.
   */
  static fromEnvironment(): ForwardReference {
    return forwardRef(() => {
      const specs = extensionsFromEnv();
      const key = specs.map((spec) => spec.entry).join(',');
      let module = ExtensionsModule.loaded.get(key);
      if (!module) {
        module = { module: ExtensionsModule, imports: specs.map(loadExtension) };
        ExtensionsModule.loaded.set(key, module);
      }
      return module;
    });
  }
}
