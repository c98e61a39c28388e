import { pathToFileURL } from 'node:url';

/** This module's location (a CommonJS module, like the launcher: see bin.cts). */
const HERE = pathToFileURL(__filename);

/** Where the command-line bundle and its V8 code cache live: next to the
 *  built bundle/ modules (dist/lib/cli/bundle/). */
export const BUNDLE_FILE = new URL('./hyemu-cli.cjs', HERE);

/** The code cache is named by the V8 that made it: another Node's V8
 *  refuses the data anyway, and two Nodes sharing one install keep one
 *  cache each instead of overwriting each other's. */
export function codeCacheFile(v8Version: string = process.versions.v8): URL {
  return new URL(`./hyemu-cli-${v8Version.replace(/[^\w.-]/g, '_')}.v8cache`, HERE);
}

/** The one module the bundle shares with the unbundled bin.cts: the signal
 *  guard, whose listener and forwarding target must be one instance. */
export const SHARED_SPECIFIER = 'hyemu:signal-guard';

/** What the bundle was made from, by path relative to it: it is current
 *  while none of them is newer than it (tsc rewrites every module it
 *  builds; npm gives a package's files one time). */
export const INPUTS_FILE = new URL('./hyemu-cli.inputs.json', HERE);

export interface BundleInputs {
  readonly files: readonly string[];
}

/** The bundle's functions of a path relative to it: a module's own URL
 *  (its import.meta.url) and path (a CommonJS module's __dirname). */
export const MODULE_URL = '__hyemuModuleUrl';
export const MODULE_PATH = '__hyemuModulePath';
