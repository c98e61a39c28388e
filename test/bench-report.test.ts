import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { XMLValidator } from 'fast-xml-parser';
import { CLI_PATH, FLAT_VARIANT, runBench, WARM_FILL_VARIANT, WARM_VARIANT } from '../lib/bench/harness.js';
import { selectKernels } from '../lib/bench/kernels.js';
import { parallelTable, renderMarkdown } from '../lib/bench/markdown.js';
import { PARALLEL_KERNEL, parallelMissing } from '../lib/bench/parallel.js';
import { buildReport, type BenchReport } from '../lib/bench/report.js';
import { KernelCheckError } from '../lib/bench/runners.js';
import { SHORT_PROGRAMS } from '../lib/bench/short-programs.js';
import { geomean } from '../lib/bench/stats.js';
import { qemuPath } from './helpers/guest.js';
import { hyemu } from './helpers/cli.js';

// A small real bench: two kernels, one run each, one iteration each (so
// their checksums are checked too), and a sweep; then the report files.
// Every column is on by default: flat memory and warm cache too, and the
// short programs' table (all of them, one cold process in each mode). The
// parallel-speedup table is left out of the command-line runs: its kernel's
// default work takes seconds a process, so it runs in-process at scale 1
// below (BenchConfig.parallelKernel), and --no-parallel is tested here.
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-bench-'));
t.teardown(() => fs.rmSync(out, { recursive: true, force: true }));
const run = hyemu(['bench', '--kernels', 'crc16,sieve', '--args', '1', '--repeat', '1', '--sweep', 'hotThreshold=2,50', '--no-parallel', '--out', out]);
const qemu = qemuPath() !== null;

/** The rows of the first Markdown table in `text`, split into cells. */
function firstTable(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end === -1 ? undefined : end).map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));
}

/** A chart: an SVG document, well-formed XML, showing each of `series`. */
function svgTest(file: string, series: readonly string[]): void {
  t.test(`${file} is well-formed and shows the data`, async (t) => {
    const svg = fs.readFileSync(path.join(out, file), 'utf8');
    t.ok(svg.startsWith('<svg'), 'starts with <svg');
    t.equal(XMLValidator.validate(svg), true, 'well-formed XML');
    for (const s of series) t.ok(svg.includes(s), `shows ${s}`);
  });
}

t.test('the bench ran and said where it wrote what', async (t) => {
  t.equal(run.status, 0, `exit 0 (${run.stderr.trim()})`);
  t.match(run.stderr, /wrote speedup\.svg, warmup\.svg, sweep-hotThreshold\.svg, report\.md, report\.json to /);
  for (const f of ['report.md', 'report.json', 'speedup.svg', 'warmup.svg', 'sweep-hotThreshold.svg']) {
    t.ok(fs.existsSync(path.join(out, f)), `${f} written`);
  }
});

t.test('the Markdown table has the expected columns and rows', async (t) => {
  const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
  const rows = firstTable(md);
  const header = rows[0]!;
  const expected = [
    'kernel', 'guest instructions', 'tier 1 ms', 'hybrid (strict) ms', 'hybrid (flat) ms', 'hybrid (warm cache) ms', ...(qemu ? ['qemu ms'] : []), 'native ms',
    'tier 1 MIPS', 'hybrid (strict) MIPS', 'hybrid (flat) MIPS', 'hybrid (warm cache) MIPS', ...(qemu ? ['qemu MIPS'] : []), 'in tier 2',
    'regions from the cache',
    'hybrid (strict) speedup over tier 1', 'hybrid (flat) speedup over tier 1', 'hybrid (warm cache) speedup over tier 1',
    ...(qemu ? ['hybrid (strict) time ÷ qemu', 'hybrid (flat) time ÷ qemu', 'hybrid (warm cache) time ÷ qemu'] : []),
    'hybrid (strict) time ÷ native', 'hybrid (flat) time ÷ native', 'hybrid (warm cache) time ÷ native',
    'hybrid (warm cache) time ÷ hybrid (strict)',
  ];
  // The native columns are there when a host compiler is.
  const nativeColumn = (h: string): boolean => h === 'native ms' || h.endsWith('÷ native');
  t.same(header.filter((h) => !nativeColumn(h)), expected.filter((h) => !nativeColumn(h)), 'columns');
  t.equal(rows.length, 2 + 2 + 1, 'header, alignment, two kernels and the geometric mean');
  t.same(rows.slice(2).map((r) => r[0]), ['crc16', 'sieve', '**geometric mean**'], 'rows');
  for (const r of rows) t.equal(r.length, header.length, `${r[0]}: one cell per column`);
  for (const r of rows.slice(2, 4)) {
    t.match(r[2], /^[\d,.]+ \([\d,.]+–[\d,.]+\)$/, `${r[0]}: tier 1 time as median (min–max)`);
    t.match(r[header.indexOf('hybrid (flat) ms')], /^[\d,.]+ \([\d,.]+–[\d,.]+\)$/, `${r[0]}: flat time as median (min–max)`);
    t.match(r[header.indexOf('hybrid (flat) MIPS')], /^[\d,.]+$/, `${r[0]}: flat MIPS`);
    t.match(r[header.indexOf('hybrid (warm cache) ms')], /^[\d,.]+ \([\d,.]+–[\d,.]+\)$/, `${r[0]}: warm-cache time as median (min–max)`);
    t.match(r[header.indexOf('hybrid (warm cache) MIPS')], /^[\d,.]+$/, `${r[0]}: warm-cache MIPS`);
    const fromCache = r[header.indexOf('regions from the cache')]!;
    t.ok(/^\d+$/.test(fromCache) && Number(fromCache) > 0, `${r[0]}: regions from the cache (${fromCache})`);
    for (const h of header.filter((h) => /speedup over tier 1|÷/.test(h))) t.match(r[header.indexOf(h)], /^[\d.,]+×$/, `${r[0]}: ${h}`);
  }
  // The geometric-mean row fills exactly the ratio columns, strict and flat alike.
  const mean = rows.at(-1)!;
  for (const [i, h] of header.entries()) {
    if (i === 0) continue;
    if (/speedup over tier 1|÷/.test(h)) t.match(mean[i], /^\*\*[\d.,]+×\*\*$/, `geometric mean of ${h}`);
    else t.equal(mean[i], '', `no geometric mean of ${h}`);
  }
  t.ok(run.stdout.startsWith(`| ${header.join(' | ')} |`), 'stdout starts with the same table');
  const sweep = md.slice(md.indexOf('## Sweep: hotThreshold'));
  const sweepRows = firstTable(sweep);
  t.same(sweepRows[0], ['kernel \\ hotThreshold', '2', '50 (default)'], 'sweep table columns');
  t.same(sweepRows.slice(2).map((r) => r[0]), ['crc16', 'sieve', '**geometric mean speedup**'], 'sweep table rows');
  t.match(md, /!\[Speedup over tier 1 alone\]\(speedup\.svg\)/, 'links the speedup chart');
  t.match(md, /!\[Warm-up of crc16\]\(warmup\.svg\)/, 'links the warm-up chart');
  t.match(md, /!\[hotThreshold sweep\]\(sweep-hotThreshold\.svg\)/, 'links the sweep chart');
  t.match(md, /one tier-2 compiler pool of \d+ worker thread\(s\), started and warmed before the first run/, 'says the pool is warm');
  t.match(md, /\*\*hybrid \(flat\)\*\* is the same with `memoryModel: 'flat'`, on the same warm pool/, 'says what the flat mode is');
  t.match(md, /- Memory models: strict, the default and the model hyemu guarantees to match Linux: .*; flat .*loads inside the guest address space are not checked .*stores still are\./,
    'says what each memory model checks');
  t.notMatch(md, /No hybrid \(flat\) column/, 'the flat column is not reported missing');
  t.match(md, /\*\*hybrid \(warm cache\)\*\* is hybrid \(strict\) with a persistent trace cache filled beforehand/, 'says what the warm-cache mode is');
  t.match(md, /- Warm cache: before the first timed run, one run of each kernel with tier2\.finishCompiles .*fills a trace cache .*; the caches were in a temporary folder, removed after the bench\./,
    'says how the cache was filled and where it was');
  t.match(md, /for tier 1 alone and for hybrid, cold \(no cache\) and with the warm trace cache/, 'the warm-up section names the warm run');
  t.notMatch(md, /No hybrid \(warm cache\) column/, 'the warm-cache column is not reported missing');
});

t.test('report.json has the expected fields', async (t) => {
  const r = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as BenchReport;
  t.equal(r.schema, 'hyemu-bench/1');
  t.equal(r.method.repeat, 1);
  t.equal(r.hybrid['hotThreshold'], 50, 'hybrid runs with default settings');
  t.same(r.kernels.map((k) => k.name), ['crc16', 'sieve']);
  for (const k of r.kernels) {
    t.same(k.args, ['1'], `${k.name}: the --args given`);
    t.ok(k.instructions > 0, `${k.name}: guest instructions`);
    for (const mode of [k.tier1, k.hybrid]) {
      t.equal(mode.samplesMs.length, 1, `${k.name}: one sample per mode`);
      t.equal(mode.medianMs, mode.samplesMs[0]);
      t.ok(mode.mips! > 0, `${k.name}: MIPS`);
    }
    t.ok(Math.abs(k.speedupOverTier1 - k.tier1.medianMs / k.hybrid.medianMs) < 1e-9, `${k.name}: speedup = tier 1 ÷ hybrid`);
    const flat = k.hybridFlat!;
    t.equal(flat.samplesMs.length, 1, `${k.name}: one flat sample`);
    t.equal(flat.medianMs, flat.samplesMs[0]);
    t.ok(Math.abs(flat.mips! - k.instructions / flat.medianMs / 1000) < 1e-9, `${k.name}: flat MIPS from the same instruction count`);
    t.ok(Math.abs(k.flatSpeedupOverTier1! - k.tier1.medianMs / flat.medianMs) < 1e-9, `${k.name}: flat speedup = tier 1 ÷ flat`);
    if (qemu) t.ok(Math.abs(k.flatToQemu! - flat.medianMs / k.qemu!.medianMs) < 1e-9, `${k.name}: flat ÷ qemu`);
    else t.equal(k.flatToQemu, null, `${k.name}: no flat ÷ qemu`);
    if (k.native) t.ok(Math.abs(k.flatToNative! - flat.medianMs / k.native.medianMs) < 1e-9, `${k.name}: flat ÷ native`);
    else t.equal(k.flatToNative, null, `${k.name}: no flat ÷ native`);
    const warm = k.hybridWarm!;
    t.equal(warm.samplesMs.length, 1, `${k.name}: one warm-cache sample`);
    t.equal(warm.medianMs, warm.samplesMs[0]);
    t.ok(Math.abs(warm.mips! - k.instructions / warm.medianMs / 1000) < 1e-9, `${k.name}: warm-cache MIPS from the same instruction count`);
    // The filling run stored regions, and the timed run (the first to read
    // the cache after it) installed some of them, no more than were stored.
    t.ok(warm.filled > 0, `${k.name}: the filling run stored regions (${warm.filled})`);
    t.ok(warm.fromCache > 0 && warm.fromCache <= warm.filled, `${k.name}: regions from the cache (${warm.fromCache} of ${warm.filled})`);
    t.ok(warm.tier2Share > 0 && warm.tier2Share <= 1, `${k.name}: the warm run runs in tier 2 (${warm.tier2Share})`);
    t.ok(Math.abs(k.warmSpeedupOverTier1! - k.tier1.medianMs / warm.medianMs) < 1e-9, `${k.name}: warm speedup = tier 1 ÷ warm`);
    t.ok(Math.abs(k.warmToHybrid! - warm.medianMs / k.hybrid.medianMs) < 1e-9, `${k.name}: warm ÷ cold hybrid`);
    if (qemu) t.ok(Math.abs(k.warmToQemu! - warm.medianMs / k.qemu!.medianMs) < 1e-9, `${k.name}: warm ÷ qemu`);
    else t.equal(k.warmToQemu, null, `${k.name}: no warm ÷ qemu`);
    if (k.native) t.ok(Math.abs(k.warmToNative! - warm.medianMs / k.native.medianMs) < 1e-9, `${k.name}: warm ÷ native`);
    else t.equal(k.warmToNative, null, `${k.name}: no warm ÷ native`);
    t.ok(k.hybrid.tier2Share >= 0 && k.hybrid.tier2Share <= 1, `${k.name}: tier-2 share`);
    if (qemu) t.ok(k.qemu!.medianMs > 0 && k.hybridToQemu! > 0, `${k.name}: qemu time and ratio`);
    else t.equal(k.qemu, null, `${k.name}: no qemu`);
    t.equal(k.native === null, r.columns.native.skipped !== null, `${k.name}: native present iff its column is`);
  }
  t.equal(r.columns.qemu.skipped === null, qemu, 'qemu column iff qemu-riscv32 is installed');
  t.same(r.columns.flat, { skipped: null }, 'flat column on by default');
  t.same(r.columns.warm, { skipped: null, cacheDir: null }, 'warm-cache column on by default, in a temporary folder');
  const near = (a: number | null, b: number | null, what: string): void => {
    t.ok(a !== null && b !== null && Math.abs(a - b) < 1e-9, `${what}: ${a} = ${b}`);
  };
  near(r.geomean.speedupOverTier1, geomean(r.kernels.map((k) => k.speedupOverTier1)), 'geometric mean of the strict speedup');
  near(r.geomean.flatSpeedupOverTier1, geomean(r.kernels.map((k) => k.flatSpeedupOverTier1!)), 'geometric mean of the flat speedup');
  if (qemu) near(r.geomean.flatToQemu, geomean(r.kernels.map((k) => k.flatToQemu!)), 'geometric mean of flat ÷ qemu');
  else t.equal(r.geomean.flatToQemu, null, 'no geometric mean of flat ÷ qemu');
  if (r.columns.native.skipped === null) near(r.geomean.flatToNative, geomean(r.kernels.map((k) => k.flatToNative!)), 'geometric mean of flat ÷ native');
  near(r.geomean.warmSpeedupOverTier1, geomean(r.kernels.map((k) => k.warmSpeedupOverTier1!)), 'geometric mean of the warm-cache speedup');
  near(r.geomean.warmToHybrid, geomean(r.kernels.map((k) => k.warmToHybrid!)), 'geometric mean of warm ÷ cold hybrid');
  if (qemu) near(r.geomean.warmToQemu, geomean(r.kernels.map((k) => k.warmToQemu!)), 'geometric mean of warm ÷ qemu');
  else t.equal(r.geomean.warmToQemu, null, 'no geometric mean of warm ÷ qemu');
  if (r.columns.native.skipped === null) near(r.geomean.warmToNative, geomean(r.kernels.map((k) => k.warmToNative!)), 'geometric mean of warm ÷ native');
  t.match(r.method.warmCache, /finishCompiles .*RunOptions\.cache/, 'says how the warm cache is filled');
  t.match(r.method.memoryModels, /^strict, the default .*flat \(RunOptions\.memoryModel 'flat'\): loads .* not checked .*stores still are$/);
  t.equal(r.sweeps.length, 1);
  t.same(r.sweeps[0]!.values, ['2', '50']);
  t.equal(r.sweeps[0]!.baseline, '50');
  t.same(r.sweeps[0]!.kernels.map((k) => k.points.length), [2, 2]);
  t.equal(r.warmup?.kernel, 'crc16', 'warm-up of the first kernel');
  t.ok(r.warmup!.tier1.samples.length > 0 && r.warmup!.hybrid.samples.length > 0, 'warm-up samples for tier 1 and cold hybrid');
  t.ok(r.warmup!.warm !== null && r.warmup!.warm.samples.length > 0, 'warm-up samples for the warm cache');
});

t.test('the short programs table: every program as a cold process in both modes', async (t) => {
  const r = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as BenchReport;
  t.same(r.columns.short, { skipped: null }, 'on by default');
  t.same(r.shortPrograms.map((p) => p.name), ['hello', 'cachemix', 'qsort_big', 'smc'], 'the CLI runs every short program, in the table\'s order');
  t.same(r.shortPrograms.map((p) => p.description), SHORT_PROGRAMS.map((p) => p.description), 'with their descriptions');
  t.same(r.shortPrograms.map((p) => p.exitCode), [3, 0, 0, 0], 'hello exits 3, the others 0');
  for (const p of r.shortPrograms) {
    t.ok(p.description.length > 0, `${p.name}: a description`);
    for (const [mode, s] of [['tier 1', p.tier1Ms], ['hybrid', p.hybridMs]] as const) {
      t.equal(s.samples.length, 1, `${p.name}: one ${mode} run (--repeat 1)`);
      t.equal(s.median, s.samples[0], `${p.name}: ${mode} median is the run`);
      t.ok(s.min <= s.median && s.median <= s.max && s.min > 0, `${p.name}: ${mode} min ≤ median ≤ max (${s.min}, ${s.median}, ${s.max})`);
    }
    t.ok(Math.abs(p.ratio - p.hybridMs.median / p.tier1Ms.median) < 1e-9, `${p.name}: ratio = hybrid ÷ tier 1 (${p.ratio})`);
  }
  const mean = geomean(r.shortPrograms.map((p) => p.ratio));
  t.ok(mean !== null && Math.abs(r.geomean.shortHybridToTier1! - mean) < 1e-9, `geometric mean of the ratios (${r.geomean.shortHybridToTier1})`);
  t.match(r.method.shortPrograms, /fresh process with an empty environment, `node dist\/lib\/cli\/bin\.cjs run ELF`.*--no-tier2.*from spawn to exit/,
    'says how they are run');

  const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
  const at = md.indexOf('\n## Short programs (cold processes)\n');
  t.ok(at > 0, 'a section "Short programs (cold processes)"');
  const section = md.slice(at + 1, md.indexOf('\n## ', at + 1));
  t.match(section, /whole process's wall time from spawn to exit, including Node's start-up, the compiler pool's start and the exit/,
    'says what is measured');
  const rows = firstTable(section);
  t.same(rows[0], ['program', 'what it is', 'tier 1 ms', 'hybrid ms', 'hybrid ÷ tier 1'], 'columns');
  t.same(rows.slice(2).map((row) => row[0]), ['hello', 'cachemix', 'qsort_big', 'smc', '**geometric mean**'], 'rows');
  for (const [i, p] of r.shortPrograms.entries()) {
    const row = rows[2 + i]!;
    t.equal(row[1], p.description, `${p.name}: what it is`);
    t.match(row[2], /^[\d,.]+ \([\d,.]+–[\d,.]+\)$/, `${p.name}: tier 1 time as median (min–max)`);
    t.match(row[3], /^[\d,.]+ \([\d,.]+–[\d,.]+\)$/, `${p.name}: hybrid time as median (min–max)`);
    t.match(row[4], /^[\d,.]+×$/, `${p.name}: hybrid ÷ tier 1`);
    // The cells round to about three significant figures.
    const shown = (cell: string): number => Number(cell.split(' ')[0]!.replace(/,/g, ''));
    for (const [cell, s] of [[row[2]!, p.tier1Ms], [row[3]!, p.hybridMs]] as const) {
      t.ok(Math.abs(shown(cell) - s.median) <= 0.005 * s.median + 0.005, `${p.name}: the median shown (${cell}; ${s.median})`);
    }
  }
  t.same(rows.at(-1)!.slice(1, 4), ['', '', ''], 'the geometric-mean row has only the ratio');
  t.match(rows.at(-1)![4], /^\*\*[\d.,]+×\*\*$/, 'geometric mean of hybrid ÷ tier 1');
  t.match(md, /\n- Short programs: each short program runs as a fresh process/, 'the method says how they were run');
  t.notMatch(md, /No short-programs table/, 'not reported missing');
  const table = section.slice(section.indexOf('| program |')).trimEnd();
  t.ok(run.stdout.includes(`\nShort programs (cold processes, whole-process wall time):\n${table}\n`), 'stdout shows the same table');
  t.ok(run.stdout.indexOf('| program |') > run.stdout.indexOf('| kernel |'), 'after the main table');
});

svgTest('speedup.svg', [
  'kernel: crc16;', 'kernel: sieve;', 'kernel: geometric mean;', 'mode: hybrid (strict)', 'mode: hybrid (flat)', 'mode: hybrid (warm cache)',
  ...(qemu ? ['mode: qemu-riscv32'] : []),
]);
svgTest('warmup.svg', ['Warm-up of crc16', 'mode: tier 1', 'mode: hybrid (cold)', 'mode: hybrid (warm cache)', 'installs of the cold hybrid run']);
svgTest('sweep-hotThreshold.svg', ['Sweep of hotThreshold', 'kernel: crc16"', 'kernel: sieve"', 'hotThreshold: 2;', 'hotThreshold: 50;']);

t.test('without qemu, native, flat, warm cache, short programs and the parallel table the report leaves those out', async (t) => {
  const dir = path.join(out, 'plain');
  const r = hyemu([
    'bench', '--kernels', 'crc16', '--args', '1', '--repeat', '1', '--no-qemu', '--no-native', '--no-flat', '--no-warm', '--no-short', '--no-parallel', '--out', dir,
  ]);
  t.equal(r.status, 0, `exit 0 (${r.stderr.trim()})`);
  const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
  const rows = firstTable(md);
  t.same(rows[0], [
    'kernel', 'guest instructions', 'tier 1 ms', 'hybrid (strict) ms', 'tier 1 MIPS', 'hybrid (strict) MIPS', 'in tier 2', 'hybrid (strict) speedup over tier 1',
  ]);
  t.same(rows.at(-1)!.slice(1, -1), ['', '', '', '', '', ''], 'geometric mean of the speedup only');
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as BenchReport;
  t.equal(json.columns.qemu.skipped, 'turned off (--no-qemu)');
  t.equal(json.columns.native.skipped, 'turned off (--no-native)');
  t.equal(json.columns.flat.skipped, 'turned off (--no-flat)');
  t.same(json.columns.warm, { skipped: 'turned off (--no-warm)', cacheDir: null });
  const k = json.kernels[0]!;
  t.same([k.hybridFlat, k.flatSpeedupOverTier1, k.flatToQemu, k.flatToNative], [null, null, null, null], 'no flat figures');
  t.same([json.geomean.flatSpeedupOverTier1, json.geomean.flatToQemu, json.geomean.flatToNative], [null, null, null], 'no flat geometric means');
  t.same([k.hybridWarm, k.warmSpeedupOverTier1, k.warmToQemu, k.warmToNative, k.warmToHybrid], [null, null, null, null, null], 'no warm-cache figures');
  t.same([json.geomean.warmSpeedupOverTier1, json.geomean.warmToQemu, json.geomean.warmToNative, json.geomean.warmToHybrid], [null, null, null, null],
    'no warm-cache geometric means');
  t.equal(json.warmup?.warm, null, 'no warm-cache warm-up run');
  t.same(json.columns.short, { skipped: 'turned off (--no-short)' }, 'no short programs, and why');
  t.same(json.shortPrograms, [], 'no short-program results');
  t.equal(json.geomean.shortHybridToTier1, null, 'no short-program geometric mean');
  t.notMatch(md, /## Short programs|- Short programs:/, 'no short-programs section or method');
  t.match(md, /- No short-programs table: turned off \(--no-short\)\./, 'the report says why there is no short-programs table');
  t.match(r.stderr, /no short-programs table: turned off \(--no-short\)/, 'says why on stderr');
  t.notMatch(r.stdout, /Short programs|\| program \|/, 'no short-programs table on stdout');
  t.same(json.columns.parallel, { skipped: 'turned off (--no-parallel)' }, 'no parallel table, and why');
  t.equal(json.parallel, null, 'no parallel results');
  t.notMatch(md, /## Parallel speedup|- Parallel speedup:/, 'no parallel section or method');
  t.match(md, /- No parallel-speedup table: turned off \(--no-parallel\)\./, 'the report says why there is no parallel table');
  t.match(r.stderr, /no parallel-speedup table: turned off \(--no-parallel\)/, 'says why on stderr');
  t.notMatch(r.stdout, /Parallel speedup|\| engine \|/, 'no parallel table on stdout');
  t.ok(json.geomean.speedupOverTier1! > 0, 'the strict geometric mean is still there');
  t.match(md, /- No hybrid \(flat\) column: turned off \(--no-flat\)\./, 'the report says why');
  t.notMatch(md, /hybrid \(flat\) the same with the flat one/, 'the intro does not mention the flat column');
  t.match(md, /- No hybrid \(warm cache\) column: turned off \(--no-warm\)\./, 'the report says why there is no warm-cache column');
  t.notMatch(md, /warm cache\)\*\* is|- Warm cache:|hybrid \(warm cache\) like/, 'nor describes the warm-cache mode');
  t.match(r.stderr, /no qemu-riscv32 column: turned off \(--no-qemu\)/, 'says why on stderr');
  t.match(r.stderr, /no hybrid \(flat\) column: turned off \(--no-flat\)/, 'says why the flat column is missing on stderr');
  t.match(r.stderr, /no hybrid \(warm cache\) column: turned off \(--no-warm\)/, 'says why the warm-cache column is missing on stderr');
  const speedup = fs.readFileSync(path.join(dir, 'speedup.svg'), 'utf8');
  t.notOk(speedup.includes('mode: hybrid (flat)'), 'no flat bars in the chart');
  t.notOk(speedup.includes('mode: hybrid (warm cache)'), 'no warm-cache bars in the chart');
  const warmup = fs.readFileSync(path.join(dir, 'warmup.svg'), 'utf8');
  t.ok(warmup.includes('mode: hybrid') && !warmup.includes('mode: hybrid (cold)') && !warmup.includes('warm cache'), 'the warm-up chart: tier 1 and hybrid only');
});

t.test('with --cache DIR the warm-cache runs keep their caches in a fresh folder inside DIR', async (t) => {
  const cacheDir = path.join(out, 'cache');
  fs.mkdirSync(path.join(cacheDir, 'other'), { recursive: true });
  const dir = path.join(out, 'cached');
  const r = hyemu(['bench', '--kernels', 'crc16', '--args', '1', '--repeat', '1', '--no-qemu', '--no-native', '--no-flat', '--no-short', '--no-parallel', '--cache', cacheDir, '--out', dir]);
  t.equal(r.status, 0, `exit 0 (${r.stderr.trim()})`);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as BenchReport;
  const kept = json.columns.warm.cacheDir!;
  t.equal(json.columns.warm.skipped, null);
  t.equal(path.dirname(kept), cacheDir, 'a folder inside DIR');
  t.match(path.basename(kept), /^bench-/, 'named for the bench');
  t.same(fs.readdirSync(cacheDir).sort(), ['other', path.basename(kept)].sort(), 'nothing else in DIR is touched');
  t.same(fs.readdirSync(kept), ['crc16'], 'one folder per kernel');
  const layout = path.join(kept, 'crc16', 'hyemu-traces-v1');
  const keys = fs.readdirSync(layout);
  t.equal(keys.length, 1, 'one option set: the fill and the warm runs share the key');
  const regions = fs.readdirSync(path.join(layout, keys[0]!)).filter((f) => f.endsWith('.htc'));
  const warm = json.kernels[0]!.hybridWarm!;
  t.ok(regions.length >= warm.filled && warm.filled > 0, `the stored regions are kept (${regions.length} files, ${warm.filled} from the fill)`);
  t.ok(warm.fromCache > 0 && warm.fromCache <= warm.filled, `regions from the cache: ${warm.fromCache}, none from an earlier bench`);
  t.ok(fs.readFileSync(path.join(dir, 'report.md'), 'utf8').includes(`the caches were kept in ${kept}.`), 'the report says where');
  t.ok(r.stderr.includes(`kept the warm-cache runs' trace caches in ${kept}`), 'says where on stderr');
});

t.test('the flat and warm-cache hybrid modes and the short programs are interleaved and rotated with the others, on hybrid\'s settings', async (t) => {
  const calls: Array<{ done: number; total: number; what: string }> = [];
  const kernels = selectKernels('crc16').map((k) => ({ ...k, args: ['1'] }));
  const results = await runBench({
    kernels, repeat: 3, tier2: { hotThreshold: 2, waitForInstall: true }, sweeps: [], qemu: false, native: false, flat: true, warm: true,
    short: true, parallel: false, shortPrograms: SHORT_PROGRAMS.filter((p) => p.name === 'hello'),
    warmupKernel: 'crc16', warmupIntervalMs: 5,
    onRun: (done, total, what) => calls.push({ done, total, what }),
  });
  const whats = calls.map((c) => c.what);
  const timed = whats.filter((w) => /^crc16: .* \(run \d of 3\)$/.test(w)).map((w) => w.replace(/^crc16: /, ''));
  t.same(timed, [
    'tier 1 (run 1 of 3)', 'hybrid (run 1 of 3)', 'hybrid, flat (run 1 of 3)', 'hybrid, warm cache (run 1 of 3)',
    'hybrid (run 2 of 3)', 'hybrid, flat (run 2 of 3)', 'hybrid, warm cache (run 2 of 3)', 'tier 1 (run 2 of 3)',
    'hybrid, flat (run 3 of 3)', 'hybrid, warm cache (run 3 of 3)', 'tier 1 (run 3 of 3)', 'hybrid (run 3 of 3)',
  ], 'each repetition runs every mode once, the order rotating');
  t.same(whats.filter((w) => w.startsWith('hello: ')), [
    'hello: tier 1, cold process (run 1 of 3)', 'hello: hybrid, cold process (run 1 of 3)',
    'hello: hybrid, cold process (run 2 of 3)', 'hello: tier 1, cold process (run 2 of 3)',
    'hello: tier 1, cold process (run 3 of 3)', 'hello: hybrid, cold process (run 3 of 3)',
  ], 'the short program alternates its two modes, the order rotating');
  const reps = [1, 2, 3].map((n) => whats.findIndex((w) => w.endsWith(`(run ${n} of 3)`)));
  t.ok(whats.indexOf('hello: tier 1, cold process (run 2 of 3)') > reps[1]! && whats.indexOf('hello: tier 1, cold process (run 2 of 3)') < reps[2]!,
    'in each repetition, with the kernels\' runs');
  t.equal(whats[0], 'crc16: filling the trace cache', 'the cache is filled before the first timed run');
  t.same(whats.filter((w) => !w.startsWith('hello: ') && !timed.some((x) => w === `crc16: ${x}`)), [
    'crc16: filling the trace cache', 'crc16: hybrid with trace profiling',
    'crc16: warm-up of tier 1', 'crc16: warm-up of hybrid', 'crc16: warm-up of hybrid with the warm cache', 'done',
  ], 'the runs besides the timed ones');
  // The progress total counts every run: 1 fill + 12 timed + 6 short + 1 profiled + 3 warm-ups.
  t.same(calls.map((c) => c.done), calls.map((_, i) => i), 'one call per run');
  t.ok(calls.every((c) => c.total === 23), `the total is every run (${calls[0]!.total})`);
  t.equal(calls.at(-1)!.done, calls.at(-1)!.total, 'done at the total');
  const runs = results.runs.get('crc16')!;
  const flat = runs.get(FLAT_VARIANT)!;
  t.equal(flat.length, 3, 'three flat runs');
  for (const m of flat) {
    t.equal(m.instructions, runs.get('hybrid')![0]!.instructions, 'the same guest instructions as strict');
    // Only hybrid's settings (an early threshold, waiting for installs) make so short a run install traces.
    t.ok(m.tier2 !== null && m.tier2.installed > 0, `tier 2 on with hybrid's settings (${m.tier2?.installed} traces installed)`);
    t.equal(m.tier2?.cache ?? null, null, 'no cache in the flat runs');
  }
  t.same(results.flat, { skipped: null });
  t.same(results.warm, { skipped: null, cacheDir: null });
  const fill = runs.get(WARM_FILL_VARIANT)!;
  t.equal(fill.length, 1, 'one run filled the cache');
  const stored = fill[0]!.tier2!.cache!;
  t.ok(stored.written > 0 && stored.fromCache === 0, `the fill run compiled and stored regions (${stored.written}) into an empty cache`);
  const warm = runs.get(WARM_VARIANT)!;
  t.equal(warm.length, 3, 'three warm-cache runs');
  for (const m of warm) {
    t.equal(m.instructions, runs.get('hybrid')![0]!.instructions, 'the same guest instructions as cold hybrid');
    const c = m.tier2?.cache;
    t.ok(c && c.fromCache > 0, `regions from the cache (${c?.fromCache})`);
    t.equal(c?.dir, stored.dir, 'the cache the fill run filled, under the same key');
    t.same([c?.differing, c?.unusable], [0, 0], 'every cached region usable');
  }
  for (const m of runs.get('hybrid')!) t.equal(m.tier2?.cache ?? null, null, 'cold hybrid runs without a cache');
  t.ok(results.warmup?.warm !== null && results.warmup!.warm.samples.length > 0, 'a warm-cache warm-up run');
  t.notOk(fs.existsSync(stored.dir), 'the temporary cache folder is removed at the end');
  t.equal(results.short.skipped, null);
  const hello = results.short.runs.get('hello')!;
  t.same([hello.tier1.length, hello.hybrid.length], [3, 3], 'three cold runs of hello in each mode');
  const elf = path.resolve('test/guest/bin/hello.elf');
  for (const m of [...hello.tier1, ...hello.hybrid]) {
    t.equal(m.stdout, `hello from rv32, argc=1\nargv[0]=${elf}\nmalloc works\n`, 'its output, from the built CLI');
    t.ok(m.timeMs > 0, 'a wall time');
  }
  t.same([...results.short.runs.keys()], ['hello'], 'only the short programs asked for');
});

t.test('a short program that exits with another status than its own fails the bench', async (t) => {
  const hello = SHORT_PROGRAMS.find((p) => p.name === 'hello')!;
  t.equal(hello.exitCode, 3, 'hello exits 3 on purpose');
  const kernels = selectKernels('crc16').map((k) => ({ ...k, args: ['1'] }));
  const base = {
    kernels, repeat: 1, tier2: {}, sweeps: [], qemu: false, native: false, flat: false, warm: false, parallel: false, warmupKernel: null,
  };
  await t.rejects(runBench({ ...base, short: true, shortPrograms: [{ ...hello, exitCode: 0 }] }), {
    constructor: KernelCheckError,
    message: 'hello exited with status 3 under tier 1, cold process, expected 0: malloc works',
  }, 'a KernelCheckError naming the program, the mode, both statuses and its last line');
  const off = await runBench({ ...base, short: false, shortPrograms: [{ ...hello, exitCode: 0 }] });
  t.same(off.short, { skipped: 'turned off (--no-short)', programs: [], runs: new Map() }, 'with short off, nothing runs');
});

t.test('without qemu-riscv32 and cc installed, the bench runs and says why their columns are missing', async (t) => {
  // A PATH with only `env` (the harness starts qemu and native runs through it).
  const bin = path.join(out, 'path');
  fs.mkdirSync(bin);
  const envPath = ['/usr/bin/env', '/bin/env'].find((p) => fs.existsSync(p))!;
  fs.symlinkSync(envPath, path.join(bin, 'env'));
  const dir = path.join(out, 'no-tools');
  const r = hyemu(['bench', '--kernels', 'crc16', '--args', '1', '--repeat', '1', '--no-short', '--no-parallel', '--out', dir], { ...process.env, PATH: bin, HOSTCC: '' });
  t.equal(r.status, 0, `exit 0 (${r.stderr.trim()})`);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as BenchReport;
  t.equal(json.columns.qemu.skipped, 'qemu-riscv32 is not installed');
  t.equal(json.columns.native.skipped, 'no host C compiler (cc)');
  t.equal(json.kernels[0]!.qemu, null);
  t.equal(json.kernels[0]!.native, null);
  t.ok(json.kernels[0]!.hybridFlat !== null, 'the flat column needs no tools');
  t.same([json.kernels[0]!.flatToQemu, json.kernels[0]!.flatToNative, json.geomean.flatToQemu, json.geomean.flatToNative], [null, null, null, null],
    'no flat ratios to the missing columns');
  t.match(fs.readFileSync(path.join(dir, 'report.md'), 'utf8'), /- No qemu-riscv32 column: qemu-riscv32 is not installed\./);
});

t.test('a user ELF runs in the tier-1 and hybrid modes', async (t) => {
  const dir = path.join(out, 'user');
  const elf = path.join('bench/kernels/bin/sha256.elf');
  const r = hyemu(['bench', elf, '--args', '1', '--repeat', '1', '--no-native', '--no-short', '--no-parallel', '--quiet', '--out', dir]);
  t.equal(r.status, 0, `exit 0 (${r.stderr.trim()})`);
  t.equal(r.stderr, '', '--quiet: nothing on stderr');
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as BenchReport;
  t.same(json.kernels.map((k) => k.name), ['sha256']);
  t.ok(json.kernels[0]!.instructions > 0, 'its instruction count comes from the emulator');
});

t.test('a kernel that fails its own check fails the bench with exit 1', async (t) => {
  // 0 iterations is a bad argument: the kernel prints its usage and exits 2.
  const r = hyemu(['bench', '--kernels', 'crc16', '--args', '0', '--repeat', '1', '--out', path.join(out, 'failed')]);
  t.equal(r.status, 1, 'exit 1');
  // The first run of the bench is the one that fills the warm cache.
  t.equal(r.stderr, 'hyemu: crc16 failed its own check under hybrid, filling the cache (exit 2): usage: bench/kernels/bin/crc16.elf [iterations>0]\n'
    .replace('bench/kernels/bin/crc16.elf', path.resolve('bench/kernels/bin/crc16.elf')), 'says which kernel, mode and why');
  t.equal(r.stdout, '', 'no table');
});

// The parallel kernel at its smallest work (scale 1: 24 chunks of 1,000 rounds), so each run is mostly process start-up.
const smallParallel = { ...PARALLEL_KERNEL, args: ['1'] };
const parallelLine = 'parallel checksum=0x90e013e2 chunks=24 scale=1\n';

t.test('the parallel kernel runs with 1 and 2 guest threads in every engine, interleaved and rotated, into the report', async (t) => {
  const calls: string[] = [];
  const kernels = selectKernels('crc16').map((k) => ({ ...k, args: ['1'] }));
  const results = await runBench({
    kernels, repeat: 2, tier2: {}, sweeps: [], qemu: true, native: false, flat: false, warm: false, short: false,
    parallel: true, parallelKernel: smallParallel, warmupKernel: null,
    onRun: (_done, _total, what) => calls.push(what),
  });
  const engines = qemu ? ['tier 1', 'hybrid', 'qemu-riscv32'] : ['tier 1', 'hybrid'];
  const modes = engines.flatMap((e) => [`${e}, 1 thread`, `${e}, 2 threads`]);
  const rotated = (rep: number): string[] => modes.map((_, i) => `parallel: ${modes[(i + rep) % modes.length]!} (run ${rep + 1} of 2)`);
  t.same(calls.filter((w) => w.startsWith('parallel: ')), [...rotated(0), ...rotated(1)], 'each repetition runs every engine and thread count once, the order rotating');
  t.ok(calls.indexOf('parallel: tier 1, 1 thread (run 1 of 2)') > calls.indexOf('crc16: tier 1 (run 1 of 2)')
    && calls.indexOf('parallel: tier 1, 2 threads (run 2 of 2)') < calls.indexOf('crc16: hybrid with trace profiling'), 'in the repetitions, after the kernels\' runs');
  t.equal(results.parallel.skipped, null);
  t.same(results.parallel.threads, [1, 2]);
  t.same([...results.parallel.runs.keys()], qemu ? ['tier1', 'hybrid', 'qemu'] : ['tier1', 'hybrid'], 'qemu-riscv32 runs when it is installed');
  for (const [engine, byThreads] of results.parallel.runs) {
    t.same([...byThreads.keys()], [1, 2], `${engine}: 1 and 2 threads`);
    for (const [n, runs] of byThreads) {
      t.equal(runs.length, 2, `${engine}, ${n} thread(s): one run per repetition`);
      for (const m of runs) {
        t.equal(m.stdout, parallelLine, `${engine}, ${n} thread(s): the same line for every thread count`);
        t.ok(m.timeMs > 0, 'a wall time');
      }
    }
  }

  const report = buildReport(results);
  const p = report.parallel!;
  t.same(report.columns.parallel, { skipped: null });
  t.same([p.name, p.elf, p.args, p.threads], ['parallel', 'bench/kernels/bin/parallel.elf', ['1'], [1, 2]]);
  t.equal(p.description, PARALLEL_KERNEL.description);
  type Engine = 'tier1' | 'hybrid' | 'qemu';
  const ms = (engine: Engine): number[][] =>
    [1, 2].map((n) => results.parallel.runs.get(engine)!.get(n)!.map((m) => m.timeMs));
  const byEngine: Array<readonly [Engine, typeof p.tier1Ms]> = [['tier1', p.tier1Ms], ['hybrid', p.hybridMs], ...(qemu ? [['qemu', p.qemuMs!] as const] : [])];
  for (const [engine, summaries] of byEngine) {
    t.same(summaries.map((s) => s.samples), ms(engine), `${engine}: each run's time, per thread count`);
    for (const s of summaries) t.ok(s.min <= s.median && s.median <= s.max, `${engine}: min ≤ median ≤ max`);
    t.ok(Math.abs(p.speedup[engine]! - summaries[0]!.median / summaries[1]!.median) < 1e-9, `${engine}: speedup = 1 thread ÷ 2 threads (${p.speedup[engine]})`);
  }
  if (!qemu) t.same([p.qemuMs, p.speedup.qemu], [null, null], 'no qemu figures');
  t.match(report.method.parallel, /1 and 2 guest threads .*`node dist\/lib\/cli\/bin\.cjs run --no-tier2 ELF N`.*`qemu-riscv32 ELF N`.*from spawn to exit.*1 thread ÷ the median with 2/,
    'says how it is run');

  const md = renderMarkdown(report, { speedup: 'speedup.svg', warmup: null, sweeps: {} });
  const at = md.indexOf('\n## Parallel speedup (guest threads)\n');
  t.ok(at > 0, 'a section "Parallel speedup (guest threads)"');
  const section = md.slice(at + 1, md.indexOf('\n## ', at + 1));
  t.match(section, /in hybrid, the threads run the traces the one compiler pool compiles for all of them, so hybrid's times include the wait for the first trace/,
    'says that the threads share the traces, and what hybrid\'s times include');
  const rows = firstTable(section);
  t.same(rows[0], ['engine', '1 thread ms', '2 threads ms', 'speedup (1 ÷ 2 threads)'], 'columns');
  t.same(rows.slice(2).map((r) => r[0]), engines, 'one row per engine');
  for (const row of rows.slice(2)) {
    t.match(row[1], /^[\d,.]+ \([\d,.]+–[\d,.]+\)$/, `${row[0]}: 1-thread time as median (min–max)`);
    t.match(row[2], /^[\d,.]+ \([\d,.]+–[\d,.]+\)$/, `${row[0]}: 2-thread time as median (min–max)`);
    t.match(row[3], /^[\d,.]+×$/, `${row[0]}: speedup`);
  }
  t.ok(section.includes(parallelTable(report)!), 'the table the command line prints');
  t.match(md, /\n- Parallel speedup: the parallel kernel runs with 1 and 2 guest threads/, 'the method says how it was run');
  t.notMatch(md, /No parallel-speedup table/, 'not reported missing');
});

t.test('without the qemu column the parallel table has no qemu-riscv32 row', async (t) => {
  const kernels = selectKernels('crc16').map((k) => ({ ...k, args: ['1'] }));
  const results = await runBench({
    kernels, repeat: 1, tier2: {}, sweeps: [], qemu: false, native: false, flat: false, warm: false, short: false,
    parallel: true, parallelKernel: smallParallel, warmupKernel: null,
  });
  t.same([...results.parallel.runs.keys()], ['tier1', 'hybrid'], 'tier 1 and hybrid only');
  const report = buildReport(results);
  t.same([report.parallel!.qemuMs, report.parallel!.speedup.qemu], [null, null], 'no qemu figures');
  t.same(firstTable(parallelTable(report)!).slice(2).map((r) => r[0]), ['tier 1', 'hybrid'], 'no qemu-riscv32 row');
});

t.test('a parallel run that exits non-zero or prints other output fails the bench', async (t) => {
  const kernels = selectKernels('crc16').map((k) => ({ ...k, args: ['1'] }));
  const base = {
    kernels, repeat: 1, tier2: {}, sweeps: [], qemu: false, native: false, flat: false, warm: false, short: false, warmupKernel: null,
  };
  // A scale of 0 is a bad argument: the kernel prints its usage and exits 2.
  await t.rejects(runBench({ ...base, parallel: true, parallelKernel: { ...PARALLEL_KERNEL, args: ['0'] } }), {
    constructor: KernelCheckError,
    message: `parallel exited with status 2 under tier 1, 1 thread, expected 0: usage: ${path.resolve('bench/kernels/bin/parallel.elf')} `
      + '[threads 1..8 [scale>0, thousands of rounds per chunk]]',
  }, 'a KernelCheckError naming the kernel, the mode, the status and its last line');
  // thr_parsum prints its thread count: the 2-thread run's line differs from the first's.
  const parsum = { name: 'thr_parsum', elf: 'test/guest/bin/thr_parsum.elf', description: 'a parallel sum', args: [] };
  await t.rejects(runBench({ ...base, parallel: true, parallelKernel: parsum }), {
    constructor: KernelCheckError,
    message: 'thr_parsum printed other output under tier 1, 2 threads than in its first run (tier 1, 1 thread)',
  }, 'a KernelCheckError naming both modes');
  // (--no-parallel is the command line's test above: no runs, no results.)
  t.equal(parallelMissing({ ...PARALLEL_KERNEL, elf: 'bench/kernels/bin/no-such.elf' }, CLI_PATH),
    `the parallel kernel is not installed (${path.resolve('bench/kernels/bin/no-such.elf')} is missing)`, 'a missing ELF is a reason to skip the table');
  t.equal(parallelMissing(PARALLEL_KERNEL, CLI_PATH), null, 'the committed ELF and the built CLI are there');
});
