import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as vm from 'node:vm';
import * as signalGuard from '../signal-guard.cjs';
import { BUNDLE_FILE, codeCacheFile, INPUTS_FILE, MODULE_PATH, MODULE_URL, SHARED_SPECIFIER, type BundleInputs } from './paths.cjs';

/**
 * Loads the `hyemu` command's modules as one script with V8's code cache
 * (bundle/build.ts makes both): Node 20 has no code cache for ES modules,
 * and resolving, reading and compiling ~90 of them took ~80 ms of a hello
 * run whose guest part takes ~30. Falls back to the plain modules when the
 * bundle is missing or older than any of its inputs (a `tsc` without the
 * bundling step), so a stale bundle never runs; a missing or refused code
 * cache only costs the compile.
 */
export type CommandLine = typeof import('./entry.js');

export type BundleLoad = 'cached' | 'rejected' | 'uncached' | 'unbundled';

/** Node's CommonJS wrapper, so that the bundle's `require` is ours, and
 *  the functions that give each module its own location (build.ts). */
export function wrapBundle(text: string): string {
  return `(function (exports, require, module, __filename, __dirname, ${MODULE_URL}, ${MODULE_PATH}) {${text}\n})`;
}

/** The bundle's files; another set for tests. */
export interface BundleFiles {
  readonly bundle: URL;
  readonly inputs: URL;
  readonly codeCache: URL;
}

export const BUILT: BundleFiles = { bundle: BUNDLE_FILE, inputs: INPUTS_FILE, codeCache: codeCacheFile() };

export function compileBundle(text: string, cachedData?: Buffer, bundle: URL = BUNDLE_FILE): vm.Script {
  return new vm.Script(wrapBundle(text), {
    filename: fileURLToPath(bundle),
    ...(cachedData ? { cachedData } : {}),
  });
}

/**
 * Builtins that dependencies require as they load but use only off a run's
 * path (commander's child_process, for subcommands that are executables;
 * elfy's and piscina's assert): loading them took ~5 ms of a hello run.
 */
const LAZY_BUILTINS: ReadonlySet<string> = new Set(['child_process', 'node:child_process', 'assert', 'node:assert']);

/** A stand-in that loads the module on first use (assert is a function). */
function lazyModule(load: () => unknown): unknown {
  let real: object | null = null;
  const get = (): object => (real ??= load() as object);
  return new Proxy(function lazy() {}, {
    // esbuild's interop asks this of every CommonJS module it imports.
    get: (_, key) => (key === '__esModule' ? undefined : Reflect.get(get(), key)),
    has: (_, key) => Reflect.has(get(), key),
    apply: (_, self, args) => Reflect.apply(get() as (...a: unknown[]) => unknown, self, args),
  });
}

/** Runs the compiled bundle (its modules' top levels) and returns its exports. */
export function runBundle(script: vm.Script, bundle: URL = BUNDLE_FILE): CommandLine {
  const file = fileURLToPath(bundle);
  const nodeRequire = createRequire(file);
  const require = (id: string): unknown =>
    id === SHARED_SPECIFIER ? signalGuard : LAZY_BUILTINS.has(id) ? lazyModule(() => nodeRequire(id)) : nodeRequire(id);
  const moduleUrl = (rel: string): string => new URL(rel, bundle).href;
  const modulePath = (rel: string): string => fileURLToPath(new URL(rel, bundle));
  const module = { exports: {} as CommandLine };
  const body = script.runInThisContext() as (...args: unknown[]) => void;
  body(module.exports, require, module, file, fileURLToPath(new URL('.', bundle)), moduleUrl, modulePath);
  return module.exports;
}

/** Whether no input is newer than the bundle (~90 stat calls, ~0.3 ms). */
export function bundleIsCurrent(inputs: BundleInputs, bundle: URL = BUNDLE_FILE): boolean {
  const made = fs.statSync(bundle).mtimeMs;
  for (const file of inputs.files) {
    const st = fs.statSync(new URL(file, bundle), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > made) return false;
  }
  return true;
}

export async function loadCommandLine(files: BundleFiles = BUILT): Promise<{ commandLine: CommandLine; how: BundleLoad }> {
  let text: string;
  try {
    const inputs = JSON.parse(fs.readFileSync(files.inputs, 'utf8')) as BundleInputs;
    if (!bundleIsCurrent(inputs, files.bundle)) throw new Error('stale');
    text = fs.readFileSync(files.bundle, 'utf8');
  } catch {
    return { commandLine: await import('./entry.js'), how: 'unbundled' };
  }
  let cached: Buffer | undefined;
  try {
    cached = fs.readFileSync(files.codeCache);
  } catch {
    cached = undefined;
  }
  const script = compileBundle(text, cached, files.bundle);
  const how: BundleLoad = cached === undefined ? 'uncached' : script.cachedDataRejected ? 'rejected' : 'cached';
  return { commandLine: runBundle(script, files.bundle), how };
}
