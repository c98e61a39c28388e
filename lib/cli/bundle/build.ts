/**
 * `npm run build`'s bundling step: the `hyemu` command's modules (from
 * bundle/entry.js on, as tsc built them) as one CommonJS script, the
 * inputs it was made from, and V8's code cache of it (see load.cts). Run
 * again after a Node upgrade; a stale cache is only refused.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { BUNDLE_FILE, codeCacheFile, INPUTS_FILE, MODULE_PATH, MODULE_URL, SHARED_SPECIFIER, type BundleInputs } from './paths.cjs';
import { compileBundle, runBundle } from './load.cjs';
import { writeCachedData } from '../../v8-code-cache.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundleFile = fileURLToPath(BUNDLE_FILE);

/** Text replacement, so it must not meet the words inside a string. */
function replaceIdentifier(text: string, file: string, word: string, by: string): string {
  if (new RegExp(`['"\`]${word.replaceAll('.', '\\.')}`).test(text)) throw new Error(`${file}: "${word}" inside a string; the bundle cannot rewrite it`);
  return text.replace(new RegExp(`\\b${word.replaceAll('.', '\\.')}\\b`, 'g'), by);
}

/** Each module keeps its own import.meta.url or __dirname, as a path
 *  relative to the bundle resolved when it runs (the bundle is one file,
 *  but workers, the binaryen code cache and the trace cache's fingerprint
 *  are found beside the modules as built, and piscina starts its workers
 *  from a file beside its own); the signal guard stays the instance bin.cts
 *  loaded; the bench loads unbundled (bin.cts routes it). */
const keepModuleIdentity: esbuild.Plugin = {
  name: 'hyemu-module-identity',
  setup(build) {
    build.onResolve({ filter: /\/signal-guard\.cjs$/ }, () => ({ path: SHARED_SPECIFIER, external: true }));
    build.onResolve({ filter: /\/bench-command\.js$/ }, () => ({ path: 'hyemu:bench-is-unbundled', external: true }));
    build.onLoad({ filter: /\.c?js$/ }, (args) => {
      const rel = (p: string): string => JSON.stringify(path.relative(path.dirname(bundleFile), p).split(path.sep).join('/'));
      let text = fs.readFileSync(args.path, 'utf8');
      text = replaceIdentifier(text, args.path, 'import.meta.url', `${MODULE_URL}(${rel(args.path)})`);
      if (/[\\/]node_modules[\\/]/.test(args.path)) {
        text = replaceIdentifier(text, args.path, '__dirname', `${MODULE_PATH}(${rel(path.dirname(args.path))})`);
        text = replaceIdentifier(text, args.path, '__filename', `${MODULE_PATH}(${rel(args.path)})`);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

/** A guest the cache step runs, so that the code cache holds what a run
 *  compiles lazily (the loader, tier 1's translator and interpreter, the
 *  dispatcher, the system calls): hello's start-up 113 -> 110 ms wall,
 *  median of 61 interleaved runs (minimum 93 -> 90; `node -e 1`: 62).
 *  Absent from an installed package, whose cache was made when it was
 *  packed; the step then caches the modules' top levels only. */
const WARM_UP_GUEST = new URL('../../../../test/guest/bin/hello.elf', import.meta.url);
const CODE_CACHE_STEP = '--code-cache';

if (process.argv[2] === CODE_CACHE_STEP) await writeCodeCache();
else await bundle();

async function bundle(): Promise<void> {
  const result = await esbuild.build({
    entryPoints: [path.join(here, 'entry.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundleFile,
    // Loaded by compiler workers and the bench only, never on the command's path.
    external: ['binaryen', 'vega', 'vega-lite'],
    plugins: [keepModuleIdentity],
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const files = Object.keys(result.metafile.inputs)
    .map((input) => path.relative(path.dirname(bundleFile), path.resolve(input)).split(path.sep).join('/'));
  fs.writeFileSync(INPUTS_FILE, JSON.stringify({ files } satisfies BundleInputs));
  // In a process of its own whose stdout goes nowhere: the guest writes there.
  const step = spawnSync(process.execPath, [fileURLToPath(import.meta.url), CODE_CACHE_STEP], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (step.status !== 0) throw new Error(`code cache step failed (${step.status ?? step.signal})`);
  process.stdout.write(`command-line bundle: ${bundleFile} (${files.length} modules), code cache ${fileURLToPath(codeCacheFile())}\n`);
}

/** Compiles and runs the bundle (its modules' top levels, then the warm-up
 *  guest) and writes V8's cache of every function compiled by then. */
async function writeCodeCache(): Promise<void> {
  const script = compileBundle(fs.readFileSync(bundleFile, 'utf8'));
  const commandLine = runBundle(script) as typeof import('./entry.js');
  if (fs.existsSync(WARM_UP_GUEST)) {
    const args = ['run', '--', fileURLToPath(WARM_UP_GUEST)];
    const status = await commandLine.main(args, commandLine.rawArguments(args));
    if (status !== 3) throw new Error(`warm-up guest exited with ${status}, not hello's 3`);
  }
  writeCachedData(script, codeCacheFile());
}
