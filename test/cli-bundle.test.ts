import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { BUILT, bundleIsCurrent, loadCommandLine } from '../lib/cli/bundle/load.cjs';
import { BUNDLE_FILE, INPUTS_FILE } from '../lib/cli/bundle/paths.cjs';
import { guestElf, ROOT } from './helpers/guest.js';
import { hyemu, noStack } from './helpers/cli.js';

// The `hyemu` command loads its modules as one bundle with V8's code cache
// (lib/cli/bundle/): the build makes it; a stale or missing bundle falls
// back to the plain modules, a missing or refused cache only compiles; and
// everything a run needs still works from inside the bundle (the pool's
// workers, found beside the modules as built; the signal guard, shared
// with bin.cjs).

const LOAD_MODULE = pathToFileURL(path.join(ROOT, 'dist/lib/cli/bundle/load.cjs')).href;

/** Runs `code` (an ES module) in a fresh Node and returns its output. */
const loadIn = (code: string): string => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};

t.test('the build made the bundle and a code cache V8 accepts', async (t) => {
  t.ok(fs.existsSync(BUNDLE_FILE) && fs.existsSync(INPUTS_FILE), 'npm run build wrote the bundle and its inputs');
  const inputs = JSON.parse(fs.readFileSync(INPUTS_FILE, 'utf8')) as { files: string[] };
  t.ok(inputs.files.some((f) => f.endsWith('runtime/emulator.js')) && inputs.files.some((f) => f.includes('node_modules/piscina/')),
    'its inputs hold hyemu\'s modules and its dependencies');
  t.notOk(inputs.files.some((f) => /bench|signal-guard|vega|binaryen/.test(f)), 'but not the bench, the shared signal guard, vega or binaryen');
  t.ok(bundleIsCurrent(inputs), 'no input is newer than the bundle');
  const how = loadIn(`const { loadCommandLine } = await import(${JSON.stringify(LOAD_MODULE)});
    const { commandLine, how } = await loadCommandLine(); console.log(how, typeof commandLine.main, typeof commandLine.startPoolEarly);`);
  t.equal(how, 'cached function function', 'a fresh process loads the bundle from the code cache');
});

t.test('a bundle older than one of its inputs, or without them, is not run', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-bundle-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const url = (name: string): URL => pathToFileURL(path.join(dir, name));
  const files = { bundle: url('b.cjs'), inputs: url('inputs.json'), codeCache: url('none.v8cache') };
  fs.writeFileSync(path.join(dir, 'input.js'), '');
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(dir, 'input.js'), past, past);
  fs.copyFileSync(BUNDLE_FILE, files.bundle);
  fs.writeFileSync(files.inputs, JSON.stringify({ files: ['input.js'] }));
  t.ok(bundleIsCurrent({ files: ['input.js'] }, files.bundle), 'current while its inputs are older');
  const copy = await loadCommandLine(files);
  t.equal(copy.how, 'uncached', 'a current bundle without a code cache is compiled');
  t.equal(typeof copy.commandLine.main, 'function', 'and gives the command line');

  fs.utimesSync(path.join(dir, 'input.js'), new Date(), new Date(Date.now() + 60_000));
  t.notOk(bundleIsCurrent({ files: ['input.js'] }, files.bundle), 'stale once an input is newer');
  t.equal((await loadCommandLine(files)).how, 'unbundled', 'and the plain modules load instead');
  t.notOk(bundleIsCurrent({ files: ['missing.js'] }, files.bundle), 'stale when an input is gone');
  fs.rmSync(files.inputs);
  t.equal((await loadCommandLine(files)).how, 'unbundled', 'without its list of inputs too');
  t.equal((await loadCommandLine({ ...BUILT, bundle: url('missing.cjs') })).how, 'unbundled', 'and without a bundle');

  // In a fresh process: this one has compiled that source already, and V8
  // then takes its own copy without looking at the data.
  fs.writeFileSync(files.inputs, JSON.stringify({ files: [] }));
  fs.writeFileSync(files.codeCache, Buffer.alloc(4096, 7));
  const how = loadIn(`const { loadCommandLine } = await import(${JSON.stringify(LOAD_MODULE)});
    const u = (n) => new URL(n, ${JSON.stringify(pathToFileURL(`${dir}/`).href)});
    const { commandLine, how } = await loadCommandLine({ bundle: u('b.cjs'), inputs: u('inputs.json'), codeCache: u('none.v8cache') });
    console.log(how, typeof commandLine.main);`);
  t.equal(how, 'rejected function', 'a code cache V8 refuses only costs the compile');
});

t.test('a run from the bundle compiles and installs traces, with the same output', async (t) => {
  const hybrid = hyemu(['run', '--stats', guestElf('hotloop')]);
  const tier1 = hyemu(['run', '--no-tier2', guestElf('hotloop')]);
  noStack(t, hybrid.stderr);
  const installed = Number(/^ {2}tier 2: traces installed\s+([\d,]+)/m.exec(hybrid.stderr)?.[1]?.replace(/,/g, '') ?? NaN);
  t.ok(installed > 0, `the pool's workers started from inside the bundle (${installed} traces installed)`);
  t.equal(hybrid.stdout, tier1.stdout, 'the same output as tier 1 alone');
  t.equal(hybrid.status, tier1.status, 'and the same exit status');
});
