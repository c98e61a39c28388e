import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import type Binaryen from 'binaryen';
import { writeCachedData } from '../v8-code-cache.js';

/**
 * Loads binaryen for the compiler workers, from V8's code cache when there
 * is one for this binaryen and this V8.
 *
 * binaryen.js is one 15 MB ES module, mostly its wasm binary as a string
 * literal: importing it took ~750 ms on the 2-core machine, most of it V8
 * parsing that source twice (the module, then the function holding the
 * literal when it runs), and it is the floor of every run's first trace.
 * Run as a script with the cached data V8 made after a first run, the same
 * load takes ~300 ms. `npm run build` writes the cache (writeCodeCache);
 * V8 refuses data of another V8 version, other flags or another source
 * length, and then, or without a cache, binaryen loads as a plain import.
 */
export let binaryen: typeof Binaryen;

export interface BinaryenLoad {
  readonly ms: number;
  /** 'cached': from the code cache; 'rejected': V8 refused it; 'import': no cache file. */
  readonly how: 'cached' | 'rejected' | 'import';
}

const require = createRequire(import.meta.url);

export function source(): { file: string; version: string; size: number } {
  const file = require.resolve('binaryen');
  const version = (JSON.parse(fs.readFileSync(require.resolve('binaryen/package.json'), 'utf8')) as { version: string }).version;
  return { file, version, size: fs.statSync(file).size };
}

/** The code cache of one binaryen build (its version and size name it). */
export function cacheFile(version: string, size: number): URL {
  return new URL(`./binaryen-${version}-${size}.v8cache`, import.meta.url);
}

/** binaryen's module as a script: an async function of its import.meta.url
 *  and of import(), returning its default export. Null if the source does
 *  not have the shape this expects (another binaryen build). */
function asScript(file: string, cachedData?: Buffer): vm.Script | null {
  const text = fs.readFileSync(file, 'utf8');
  const tail = /export\s*\{\s*([\w$]+)\s+as\s+default\s*\}\s*;?\s*$/;
  if (!tail.test(text) || /^\s*import\s/m.test(text)) return null;
  const body = text.replace(tail, 'return $1;').replaceAll('import.meta.url', '__binaryenUrl').replaceAll('import(', '__import(');
  return new vm.Script(`(async function (__binaryenUrl, __import) {${body}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
}

async function runScript(script: vm.Script, file: string): Promise<typeof Binaryen> {
  const fn = script.runInThisContext() as (url: string, imp: (s: string) => Promise<unknown>) => Promise<typeof Binaryen>;
  return fn(pathToFileURL(file).href, (s) => import(s));
}

/**
 * The script's 15 MB source and the 10 MB of cached data are garbage once
 * binaryen runs, but an idle worker would keep them for a long time (a
 * worker's peak RSS was ~37 MB higher than after a plain import): one full
 * collection, through V8's gc function, made visible for this only. Not
 * right after the load: that collection also threw away the code V8 had
 * for binaryen's functions, and the first compile after it took 680-810 ms
 * instead of 270-380 (load and first compile 1,050 ms against 530, medians
 * of 3; a plain import without the cache: 810). After the warm-up compile
 * it takes 13-29 ms and the next compile is as fast as before.
 */
export function collectLoadGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  } catch {
    // Not available: the memory is freed later.
  }
}

/** Loads binaryen into `binaryen`; `cachePath` replaces the build's code
 *  cache (for tests). */
export async function loadBinaryen(cachePath?: string): Promise<BinaryenLoad> {
  const t0 = performance.now();
  const { file, version, size } = source();
  let how: BinaryenLoad['how'] = 'import';
  let cached: Buffer | undefined;
  try {
    cached = fs.readFileSync(cachePath ?? cacheFile(version, size));
  } catch {
    cached = undefined;
  }
  const script = cached ? asScript(file, cached) : null;
  if (script && !script.cachedDataRejected) {
    binaryen = await runScript(script, file);
    how = 'cached';
  } else {
    if (script) how = 'rejected';
    binaryen = (await import('binaryen')).default;
  }
  return { ms: performance.now() - t0, how };
}

/** Writes the code cache for the installed binaryen and this V8 (`npm
 *  run build`); returns its path, or null if binaryen's shape is not the
 *  expected one. */
export async function writeCodeCache(): Promise<string | null> {
  // The build runs once per install; this is not on any run's path.
  const { file, version, size } = source();
  const script = asScript(file);
  if (!script) return null;
  binaryen = await runScript(script, file);
  // After the run, so that the functions it compiled are in the cache.
  const target = cacheFile(version, size);
  writeCachedData(script, target);
  return target.pathname;
}
