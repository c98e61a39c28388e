import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { Emulator, Tier2Pool, type RunOptions, type RunResult } from '../lib/index.js';
import { decodeEntry } from '../lib/trace-cache/format.js';
import { LAYOUT_DIR } from '../lib/trace-cache/store.js';
import { hyemu, noStack } from './helpers/cli.js';
import { guestElf, qemuPath, ROOT, runCaseInQemu } from './helpers/guest.js';

// The persistent trace cache (RunOptions.cache, --cache, hyemu aot, hyemu
// cache): a region compiled in one run is installed in a later one only
// when every byte of its code is what is mapped now, under the same
// code-generation options; broken files and directories cost a warning,
// never a wrong result. Every run is compared with qemu-riscv32 (or tier 1
// alone where qemu is missing) and checked by the trace auditor.

const pool = new Tier2Pool(1);
t.teardown(() => pool.close());
const CACHEMIX = guestElf('cachemix');
const ORIGINAL = fs.readFileSync(CACHEMIX);
const tmp = (name: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `hyemu-cache-${name}-`));

/** The marker `li a5, 1234` of cachemix.c made `li a5, 1235` (an addi from x0). */
function patchedCachemix(): Buffer {
  const copy = Buffer.from(ORIGINAL);
  let found = -1;
  for (let i = 0; i + 4 <= copy.length; i += 2) {
    if (((copy.readUInt32LE(i) & 0xfff0707f) >>> 0) === ((1234 << 20) | 0x13)) {
      if (found >= 0) throw new Error('the marker instruction occurs twice');
      found = i;
    }
  }
  if (found < 0) throw new Error('no marker instruction in cachemix.elf');
  copy.writeUInt32LE((copy.readUInt32LE(found) + (1 << 20)) >>> 0, found);
  return copy;
}

interface Run {
  readonly stdout: string;
  readonly exitCode: number;
  readonly result: RunResult;
  readonly warnings: string[];
}

async function run(program: string | Uint8Array, options: RunOptions & { dir?: string } = {}, args: string[] = []): Promise<Run> {
  const warnings: string[] = [];
  const { dir, ...rest } = options;
  const emu = await Emulator.create(program, {
    args, timeoutMs: 120_000,
    tier2: { hotThreshold: 20, waitForInstall: true, audit: true, pool },
    ...(dir !== undefined ? { cache: { dir, onWarning: (m) => warnings.push(m) } } : {}),
    ...rest,
  });
  const result = await emu.run();
  return { stdout: result.stdout?.toString() ?? '', exitCode: result.exitCode, result, warnings };
}

const cacheStats = (r: Run) => r.result.stats.tier2!.cache!;
const cacheFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(dir, LAYOUT_DIR)).flatMap((key) => fs.readdirSync(path.join(dir, LAYOUT_DIR, key)).map((f) => path.join(dir, LAYOUT_DIR, key, f)));
const regionFiles = (dir: string): string[] => cacheFiles(dir).filter((f) => f.endsWith('.htc'));

/** What the program must print: qemu-riscv32's output, or tier 1's. */
async function reference(program: string | Uint8Array, args: string[] = []): Promise<{ stdout: string; exitCode: number }> {
  if (typeof program === 'string' && qemuPath()) return runCaseInQemu({ elf: path.relative(path.join(ROOT, 'test/guest'), program), args });
  const r = await run(program, { tier2: false }, args);
  return { stdout: r.stdout, exitCode: r.exitCode };
}

function sameAsReference(t: Test, r: Run, ref: { stdout: string; exitCode: number }, label: string): void {
  t.equal(r.stdout, ref.stdout, `${label}: stdout as the reference`);
  t.equal(r.exitCode, ref.exitCode, `${label}: exit code`);
  t.equal(r.result.stats.tier2?.auditMismatches ?? 0, 0, `${label}: every trace agreed with tier 1`);
}

t.test('a cold run fills the cache, a warm run installs from it before the first instruction', async (t) => {
  const dir = tmp('hit');
  const ref = await reference(CACHEMIX);
  const cold = await run(CACHEMIX, { dir });
  sameAsReference(t, cold, ref, 'cold');
  t.equal(cacheStats(cold).fromCache, 0, 'cold: nothing from the cache');
  t.ok(cacheStats(cold).written >= 2, `cold: regions written (${cacheStats(cold).written})`);
  t.equal(regionFiles(dir).length, cacheStats(cold).written, 'one file per region written');
  t.same(cold.warnings, [], 'no warnings');

  const warm = await run(CACHEMIX, { dir });
  sameAsReference(t, warm, ref, 'warm');
  t.equal(cacheStats(warm).fromCache, cacheStats(cold).written, 'warm: every region from the cache');
  t.equal(warm.result.stats.tier2!.compiled, 0, 'warm: nothing compiled');
  t.equal(warm.result.stats.tier2!.firstInstallMs !== null, true, 'warm: installed');
  t.ok(warm.result.stats.tier2!.share > 0.95, `warm: tier 2 ran ${(warm.result.stats.tier2!.share * 100).toFixed(1)} % of the instructions`);
  t.same(warm.warnings, [], 'no warnings');

  const elsewhere = await run(CACHEMIX, { dir: tmp('other') });
  t.equal(cacheStats(elsewhere).fromCache, 0, 'another (empty) directory: a miss');
});

t.test('one changed code byte misses for the regions over it and hits for the rest', async (t) => {
  const dir = tmp('byte');
  const cold = await run(CACHEMIX, { dir });
  const patched = patchedCachemix();
  const ref = await reference(patched);
  t.not(ref.stdout.split('\n')[0], (await reference(CACHEMIX)).stdout.split('\n')[0], 'the patch changes what mix() prints');
  const r = await run(patched, { dir });
  sameAsReference(t, r, ref, 'patched, warm cache');
  t.ok(cacheStats(r).fromCache < cacheStats(cold).written, `the regions over the byte are not used (${cacheStats(r).fromCache} of ${cacheStats(cold).written} from the cache)`);
  t.ok(cacheStats(r).fromCache >= 1, `the others are (${cacheStats(r).fromCache})`);
  t.ok(r.result.stats.tier2!.compiled >= 1, 'the changed regions are compiled again');
  // The original still finds its own regions, and the patched one its new ones.
  const again = await run(CACHEMIX, { dir });
  t.equal(again.result.stats.tier2!.compiled, 0, 'the original binary: everything from the cache');
  t.equal((await run(patched, { dir })).result.stats.tier2!.compiled, 0, 'the patched binary, once more: everything from the cache');
});

t.test('different code-generation options miss', async (t) => {
  const dir = tmp('options');
  const first = await run(CACHEMIX, { dir });
  const ref = await reference(CACHEMIX);
  const variants: ReadonlyArray<[string, RunOptions]> = [
    ['optimizeLevel 0', { tier2: { hotThreshold: 20, waitForInstall: true, audit: true, pool, optimizeLevel: 0 } }],
    ['profile counters', { tier2: { hotThreshold: 20, waitForInstall: true, audit: true, pool, profile: true } }],
    ['hot threshold 30', { tier2: { hotThreshold: 30, waitForInstall: true, audit: true, pool } }],
    ['flat memory model', { memoryModel: 'flat' }],
    ['32-instruction blocks', { maxBlockInsns: 32 }],
  ];
  for (const [label, options] of variants) {
    const r = await run(CACHEMIX, { dir, ...options });
    sameAsReference(t, r, ref, label);
    t.equal(cacheStats(r).fromCache, 0, `${label}: nothing from the cache`);
    t.ok(cacheStats(r).written >= 1, `${label}: its own regions written`);
  }
  t.equal(fs.readdirSync(path.join(dir, LAYOUT_DIR)).length, 1 + variants.length, 'one folder per option set');
  t.equal((await run(CACHEMIX, { dir })).result.stats.tier2!.compiled, 0, 'the first options still hit');
  t.ok(cacheStats(first).written >= 1);
});

t.test('corrupt, truncated and foreign files are skipped with one warning each', async (t) => {
  const dir = tmp('corrupt');
  const ref = await reference(CACHEMIX);
  const cold = await run(CACHEMIX, { dir });
  const files = regionFiles(dir).sort();
  t.ok(files.length >= 3, `enough files to damage (${files.length})`);
  const [truncated, flipped, foreign] = files as [string, string, string];
  fs.truncateSync(truncated, Math.floor(fs.statSync(truncated).size / 2));
  const bytes = fs.readFileSync(flipped);
  bytes[bytes.length >> 1] ^= 0x40;
  fs.writeFileSync(flipped, bytes);
  fs.writeFileSync(foreign, 'not a trace cache file at all\n');
  // A file of another option set under this one's name.
  const otherDir = tmp('corrupt-other');
  const other = await run(CACHEMIX, { dir: otherDir, tier2: { hotThreshold: 20, waitForInstall: true, pool, optimizeLevel: 0 } });
  t.ok(cacheStats(other).written >= 1);
  const misplaced = files[3];
  if (misplaced) fs.copyFileSync(regionFiles(otherDir)[0]!, misplaced);

  const r = await run(CACHEMIX, { dir });
  sameAsReference(t, r, ref, 'with damaged files');
  const damaged = misplaced ? 4 : 3;
  t.equal(r.warnings.length, damaged, `one warning per damaged file: ${JSON.stringify(r.warnings)}`);
  for (const w of r.warnings) t.notMatch(w, /\n/, `one line: ${w}`);
  t.match(r.warnings.join('\n'), /checksum|not a hyemu/, 'says what is wrong');
  if (misplaced) t.match(r.warnings.join('\n'), /other code-generation options/, 'a file of another option set is named as such');
  t.equal(cacheStats(r).fromCache, cacheStats(cold).written - damaged, 'the intact files are used');
  t.equal(r.result.stats.tier2!.compiled, damaged, 'the damaged ones are compiled again');
  const healed = await run(CACHEMIX, { dir });
  t.same(healed.warnings, [], 'and written whole again: no warnings the next time');
  t.equal(healed.result.stats.tier2!.compiled, 0, 'everything from the cache');
});

t.test('an unusable cache directory turns caching off with one warning', async (t) => {
  const ref = await reference(CACHEMIX);
  const file = path.join(tmp('notadir'), 'file');
  fs.writeFileSync(file, 'x');
  const cases: ReadonlyArray<[string, string, RegExp]> = [
    ['missing', path.join(tmp('missing'), 'does', 'not', 'exist'), /no such directory/],
    ['a regular file', file, /not a directory/],
    ['a directory nothing can be created in', '/proc/self', /cannot create/],
  ];
  for (const [label, dir, why] of cases) {
    const r = await run(CACHEMIX, { dir });
    sameAsReference(t, r, ref, label);
    t.equal(r.warnings.length, 1, `${label}: one warning`);
    t.match(r.warnings[0], why, `${label}: ${r.warnings[0]}`);
    t.equal(r.result.stats.tier2!.cache, null, `${label}: no cache`);
  }
  t.notOk(fs.existsSync(path.join(tmp('x'), '..', 'does')), 'the library created nothing');
  if (process.getuid?.() !== 0) {
    // Read-only for its owner: what it holds is still used.
    const dir = tmp('readonly');
    const cold = await run(CACHEMIX, { dir });
    for (const d of [path.join(dir, LAYOUT_DIR), ...fs.readdirSync(path.join(dir, LAYOUT_DIR)).map((k) => path.join(dir, LAYOUT_DIR, k))]) fs.chmodSync(d, 0o555);
    const r = await run(CACHEMIX, { dir, tier2: { hotThreshold: 20, waitForInstall: true, pool, optimizeLevel: 0 } });
    sameAsReference(t, r, ref, 'read-only, other options');
    t.equal(r.warnings.length, 1, 'read-only: one warning');
    t.ok(cacheStats(cold).written > 0);
  }
});

/** Runs the CLI without waiting for it (for concurrent runs). */
function hyemuAsync(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/lib/cli/bin.cjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

t.test('two processes filling one cache at once both finish and leave only whole files', async (t) => {
  const dir = tmp('concurrent');
  const ref = await reference(CACHEMIX);
  const args = ['run', '--cache', dir, '--hot-threshold', '20', '--wait-for-install', CACHEMIX];
  const runs = await Promise.all([hyemuAsync(args), hyemuAsync(args), hyemuAsync(args)]);
  for (const [i, r] of runs.entries()) {
    t.equal(r.stdout, ref.stdout, `process ${i}: stdout`);
    t.equal(r.status, ref.exitCode, `process ${i}: exit code`);
    t.equal(r.stderr, '', `process ${i}: no warnings`);
  }
  const files = cacheFiles(dir);
  t.same(files.filter((f) => !f.endsWith('.htc') && !f.endsWith('options.json')), [], 'no temporary files left');
  const key = path.basename(path.dirname(files[0]!));
  for (const f of regionFiles(dir)) t.doesNotThrow(() => decodeEntry(fs.readFileSync(f), key), `${path.basename(f)} is whole`);
  const warm = hyemu(['run', '--cache', dir, '--hot-threshold', '20', '--stats', CACHEMIX]);
  t.equal(warm.stdout, ref.stdout, 'a run from the shared cache: stdout');
  t.match(warm.stderr, /regions from the cache\s+[1-9]/, 'it used the cache');
  t.match(warm.stderr, /traces compiled\s+0\n/, 'and compiled nothing');
});

t.test('self-modifying code with a warm cache behaves as without one', async (t) => {
  const dir = tmp('smc');
  for (const name of ['smc', 'smc_asm']) {
    const elf = guestElf(name);
    const ref = await reference(elf);
    const cold = await run(elf, { dir });
    sameAsReference(t, cold, ref, `${name}, cold`);
    const warm = await run(elf, { dir });
    sameAsReference(t, warm, ref, `${name}, warm`);
    t.ok(cacheStats(warm).fromCache >= 1, `${name}: regions from the cache (${cacheStats(warm).fromCache})`);
    t.ok(warm.result.stats.tier2!.invalidated >= 1 || cacheStats(warm).differing >= 1,
      `${name}: code it rewrites is not run stale (invalidated ${warm.result.stats.tier2!.invalidated}, differing ${cacheStats(warm).differing})`);
  }
});

t.test('hyemu aot, then hyemu run --cache: the same output, the hot code from the cache', async (t) => {
  const dir = tmp('aot');
  const plain = hyemu(['run', CACHEMIX]);
  t.equal(plain.status, 0);
  const aot = hyemu(['aot', '--cache', dir, CACHEMIX]);
  t.equal(aot.stdout, plain.stdout, 'aot: the program ran as usual');
  t.equal(aot.status, 0, 'aot: its exit code');
  t.match(aot.stderr, /^hyemu aot: [1-9]\d* regions compiled and stored, 0 already cached, in /m, 'aot: says what it stored');
  noStack(t, aot.stderr);
  const warm = hyemu(['run', '--cache', dir, '--stats', CACHEMIX]);
  t.equal(warm.stdout, plain.stdout, 'run after aot: identical output');
  t.equal(warm.status, plain.status, 'run after aot: exit code');
  t.match(warm.stderr, /traces compiled\s+0\n/, 'run after aot: nothing left to compile');
  t.match(warm.stderr, /regions from the cache\s+[1-9]/, 'run after aot: regions from the cache');
  const share = /share of instructions\s+([\d.]+) %/.exec(warm.stderr);
  t.ok(share && Number(share[1]) > 95, `run after aot: tier 2 ran ${share?.[1]} % of the instructions`);
  const again = hyemu(['aot', '--cache', dir, CACHEMIX]);
  t.match(again.stderr, /^hyemu aot: 0 regions compiled and stored, [1-9]\d* already cached/m, 'aot again: all cached already');
  const refused = hyemu(['aot', '--no-cache', CACHEMIX]);
  t.equal(refused.status, 2, 'aot --no-cache: a usage error');
  t.match(refused.stderr, /^hyemu: --no-cache does not apply to aot/);
});

t.test('hyemu cache info and clear', async (t) => {
  const dir = tmp('info');
  fs.writeFileSync(path.join(dir, 'keep.txt'), 'not ours');
  const empty = hyemu(['cache', 'info', dir]);
  t.equal(empty.status, 0);
  t.match(empty.stdout, /empty/);
  hyemu(['aot', '--cache', dir, CACHEMIX]);
  hyemu(['aot', '--cache', dir, '--opt-level', '0', CACHEMIX]);
  const info = hyemu(['cache', 'info', dir]);
  t.equal(info.status, 0);
  t.match(info.stdout, /total: [1-9]\d* regions, [\d.]+ KiB in 2 option sets/, 'two option sets listed');
  t.match(info.stdout, /optimizeLevel=0/, 'with what they stand for');
  const json = JSON.parse(hyemu(['cache', 'info', '--json', dir]).stdout) as { keys: Array<{ regions: number }> };
  t.equal(json.keys.length, 2, '--json: the same');
  const regions = json.keys.reduce((n, k) => n + k.regions, 0);
  const clear = hyemu(['cache', 'clear', dir]);
  t.equal(clear.status, 0);
  t.match(clear.stdout, new RegExp(`removed ${regions + 2} files`), 'clear: counts what it removed (regions and option files)');
  t.match(hyemu(['cache', 'info', dir]).stdout, /empty/, 'then the cache is empty');
  t.equal(fs.readFileSync(path.join(dir, 'keep.txt'), 'utf8'), 'not ours', 'other files in the directory are left alone');
});
