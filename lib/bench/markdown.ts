import type { BenchReport, KernelResult, ModeTimes, SweepResult } from './report.js';

/** The chart files report.md links to (relative to it). */
export interface ChartFiles {
  readonly speedup: string;
  readonly warmup: string | null;
  /** Tunable -> file. */
  readonly sweeps: Readonly<Record<string, string>>;
}

const number = (n: number, digits: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** Three significant figures or so, never hiding the integer part. */
const sig = (n: number): string => number(n, n >= 100 ? 0 : n >= 10 ? 1 : 2);
const ms = (t: ModeTimes): string => `${sig(t.medianMs)} (${sig(t.minMs)}–${sig(t.maxMs)})`;
const times = (x: number | null): string => (x === null ? '–' : `${sig(x)}×`);
const mips = (t: ModeTimes | null): string => (t?.mips == null ? '–' : number(t.mips, t.mips >= 100 ? 0 : 1));

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, rightFrom = 1): string {
  const align = header.map((_, i) => (i < rightFrom ? '---' : '--:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** A column of the main table: whether it is shown, a kernel's cell, and its cell in the geometric-mean row. */
interface ResultColumn {
  readonly header: string;
  readonly shown: boolean;
  readonly cell: (k: KernelResult) => string;
  readonly mean?: string;
}

/** The main table: times (median and min–max), guest MIPS, and the ratios; each strict hybrid column beside its flat and warm-cache ones. */
export function resultsTable(r: BenchReport): string {
  const qemu = r.columns.qemu.skipped === null;
  const native = r.columns.native.skipped === null;
  const flat = r.columns.flat.skipped === null;
  const warm = r.columns.warm.skipped === null;
  const g = r.geomean;
  const mean = (x: number | null): string => `**${times(x)}**`;
  const msOr = (t: ModeTimes | null): string => (t ? ms(t) : '–');
  const columns: readonly ResultColumn[] = [
    { header: 'kernel', shown: true, cell: (k) => k.name, mean: '**geometric mean**' },
    { header: 'guest instructions', shown: true, cell: (k) => `${number(k.instructions / 1e6, 1)} M` },
    { header: 'tier 1 ms', shown: true, cell: (k) => ms(k.tier1) },
    { header: 'hybrid (strict) ms', shown: true, cell: (k) => ms(k.hybrid) },
    { header: 'hybrid (flat) ms', shown: flat, cell: (k) => msOr(k.hybridFlat) },
    { header: 'hybrid (warm cache) ms', shown: warm, cell: (k) => msOr(k.hybridWarm) },
    { header: 'qemu ms', shown: qemu, cell: (k) => msOr(k.qemu) },
    { header: 'native ms', shown: native, cell: (k) => msOr(k.native) },
    { header: 'tier 1 MIPS', shown: true, cell: (k) => mips(k.tier1) },
    { header: 'hybrid (strict) MIPS', shown: true, cell: (k) => mips(k.hybrid) },
    { header: 'hybrid (flat) MIPS', shown: flat, cell: (k) => mips(k.hybridFlat) },
    { header: 'hybrid (warm cache) MIPS', shown: warm, cell: (k) => mips(k.hybridWarm) },
    { header: 'qemu MIPS', shown: qemu, cell: (k) => mips(k.qemu) },
    { header: 'in tier 2', shown: true, cell: (k) => `${number(k.hybrid.tier2Share * 100, 0)} %` },
    { header: 'regions from the cache', shown: warm, cell: (k) => (k.hybridWarm ? number(k.hybridWarm.fromCache, 0) : '–') },
    { header: 'hybrid (strict) speedup over tier 1', shown: true, cell: (k) => times(k.speedupOverTier1), mean: mean(g.speedupOverTier1) },
    { header: 'hybrid (flat) speedup over tier 1', shown: flat, cell: (k) => times(k.flatSpeedupOverTier1), mean: mean(g.flatSpeedupOverTier1) },
    { header: 'hybrid (warm cache) speedup over tier 1', shown: warm, cell: (k) => times(k.warmSpeedupOverTier1), mean: mean(g.warmSpeedupOverTier1) },
    { header: 'hybrid (strict) time ÷ qemu', shown: qemu, cell: (k) => times(k.hybridToQemu), mean: mean(g.hybridToQemu) },
    { header: 'hybrid (flat) time ÷ qemu', shown: qemu && flat, cell: (k) => times(k.flatToQemu), mean: mean(g.flatToQemu) },
    { header: 'hybrid (warm cache) time ÷ qemu', shown: qemu && warm, cell: (k) => times(k.warmToQemu), mean: mean(g.warmToQemu) },
    { header: 'hybrid (strict) time ÷ native', shown: native, cell: (k) => times(k.hybridToNative), mean: mean(g.hybridToNative) },
    { header: 'hybrid (flat) time ÷ native', shown: native && flat, cell: (k) => times(k.flatToNative), mean: mean(g.flatToNative) },
    { header: 'hybrid (warm cache) time ÷ native', shown: native && warm, cell: (k) => times(k.warmToNative), mean: mean(g.warmToNative) },
    { header: 'hybrid (warm cache) time ÷ hybrid (strict)', shown: warm, cell: (k) => times(k.warmToHybrid), mean: mean(g.warmToHybrid) },
  ];
  const shown = columns.filter((c) => c.shown);
  return table(shown.map((c) => c.header), [
    ...r.kernels.map((k) => shown.map((c) => c.cell(k))),
    shown.map((c) => c.mean ?? ''),
  ]);
}

/** The short programs as cold processes: tier 1 and hybrid wall times of the whole process, and hybrid ÷ tier 1 (null: not run). */
export function shortTable(r: BenchReport): string | null {
  if (r.shortPrograms.length === 0) return null;
  const summary = (s: { median: number; min: number; max: number }): string => `${sig(s.median)} (${sig(s.min)}–${sig(s.max)})`;
  return table(['program', 'what it is', 'tier 1 ms', 'hybrid ms', 'hybrid ÷ tier 1'], [
    ...r.shortPrograms.map((p) => [p.name, p.description, summary(p.tier1Ms), summary(p.hybridMs), times(p.ratio)]),
    ['**geometric mean**', '', '', '', `**${times(r.geomean.shortHybridToTier1)}**`],
  ], 2);
}

/** The parallel kernel per engine: wall times with 1 and 2 guest threads, and the speedup (null: not run). */
export function parallelTable(r: BenchReport): string | null {
  const p = r.parallel;
  if (!p) return null;
  const summary = (s: { median: number; min: number; max: number }): string => `${sig(s.median)} (${sig(s.min)}–${sig(s.max)})`;
  const plural = (n: number): string => `${n} thread${n === 1 ? '' : 's'}`;
  const engines: ReadonlyArray<readonly [string, readonly { median: number; min: number; max: number }[] | null, number | null]> = [
    ['tier 1', p.tier1Ms, p.speedup.tier1],
    ['hybrid', p.hybridMs, p.speedup.hybrid],
    ['qemu-riscv32', p.qemuMs, p.speedup.qemu],
  ];
  return table(['engine', ...p.threads.map((n) => `${plural(n)} ms`), `speedup (${p.threads[0]} ÷ ${plural(p.threads.at(-1)!)})`],
    engines.filter(([, ms]) => ms !== null).map(([name, ms, speedup]) => [name, ...ms!.map(summary), times(speedup)]));
}

/** Region crossings: how often hybrid code enters a trace and how it
 *  leaves (one profiled run per kernel). */
export function crossingsTable(r: BenchReport): string | null {
  const rows = r.kernels.filter((k) => k.hybrid.crossings).map((k) => {
    const c = k.hybrid.crossings!;
    const leaves = c.chained + c.toDispatcher;
    const share = (n: number): string => (leaves > 0 ? `${number((n / leaves) * 100, 0)} %` : '–');
    return [
      k.name, number(c.entries, 0), c.instructionsPerEntry === null ? '–' : number(c.instructionsPerEntry, 1),
      share(c.chained), share(c.toDispatcher), share(c.exits.direct), share(c.exits.indirect), share(c.exits.budget),
      share(c.exits.syscall + c.exits.store + c.exits.other),
    ];
  });
  if (rows.length === 0) return null;
  return table([
    'kernel', 'trace entries', 'instructions per entry', 'chained to a trace', 'to the dispatcher',
    'by direct branch', 'by indirect jump/return', 'at a loop header', 'syscall, slow store or page check, trap',
  ], rows);
}

/** A sweep's table: per kernel and value, the median time and the speedup over tier 1. */
export function sweepTable(s: SweepResult): string {
  const mark = (v: string): string => (v === s.baseline ? `${v} (default)` : v);
  const rows = s.kernels.map((k) => [k.name, ...k.points.map((p) => `${sig(p.medianMs)} ms, ${times(p.speedupOverTier1)}`)]);
  rows.push(['**geometric mean speedup**', ...s.geomean.map((g) => `**${times(g.speedupOverTier1)}**`)]);
  return table([`kernel \\ ${s.tunable}`, ...s.values.map(mark)], rows);
}

/** report.md: the tables, the charts and how the numbers were taken. */
export function renderMarkdown(r: BenchReport, charts: ChartFiles): string {
  const out: string[] = [];
  const skipped = (name: string, c: { skipped: string | null }): string[] =>
    c.skipped === null ? [] : [`- No ${name} column: ${c.skipped}.`];
  out.push(
    '# hyemu benchmark report', '',
    `hyemu ${r.hyemu}, Node.js ${r.host.node}, ${r.host.cpu} (${r.host.cpus} threads), ${r.host.platform}/${r.host.arch}, ${r.date.slice(0, 10)}.`, '',
    `Times are milliseconds of guest run time: the median of ${r.method.repeat} run(s), with the min–max spread in brackets. `
      + 'MIPS is millions of guest (rv32) instructions per second at the median time; "in tier 2" is the share of them run as WebAssembly. '
      + `Hybrid (strict) runs with the default memory model${r.columns.flat.skipped === null ? ', hybrid (flat) the same with the flat one (see below)' : ''}`
      + `${r.columns.warm.skipped === null ? ', hybrid (warm cache) like hybrid (strict) with a trace cache filled beforehand; '
        + '"regions from the cache" is how many of its regions it installed from there (median)' : ''}. `
      + 'The speedup is tier 1 time ÷ hybrid time (higher is better); the last columns divide the hybrid time by the other one (lower is better).', '',
    resultsTable(r), '',
    `![Speedup over tier 1 alone](${charts.speedup})`, '',
  );
  const short = shortTable(r);
  if (short) {
    out.push(
      '## Short programs (cold processes)', '',
      `Does tier 2 make short runs slower? Each program runs as a fresh \`hyemu run\` process, hybrid (default options, no trace cache) and \`--no-tier2\` (tier 1) alternating; `
        + `each time is the whole process's wall time from spawn to exit, including Node's start-up, the compiler pool's start and the exit `
        + `(the median of ${r.method.repeat} run(s) in ms, min–max in brackets). Above 1× in the last column, hybrid is slower than tier 1 alone.`, '',
      short, '',
    );
  }
  const parallel = parallelTable(r);
  if (parallel && r.parallel) {
    out.push(
      '## Parallel speedup (guest threads)', '',
      `Do guest threads run in parallel? \`${r.parallel.elf}\` splits a fixed amount of independent work over N guest threads (${r.parallel.description}), `
        + 'all of it in the threads it creates (the main thread only creates and joins them); each engine runs it with '
        + `${r.parallel.threads.join(' and ')} threads as a fresh process, and each time is the whole process's wall time from spawn to exit `
        + `(the median of ${r.method.repeat} run(s) in ms, min–max in brackets). The speedup is the 1-thread time ÷ the 2-thread time: 2× at best, `
        + `and only with two idle hardware threads (this machine has ${r.host.cpus}). Each guest thread other than the main one runs on its own `
        + "Node worker thread; in hybrid, the threads run the traces the one compiler pool compiles for all of them, so hybrid's times include "
        + "the wait for the first trace (the pool's start and its first compile, on the same cores), which does not shrink with more threads.", '',
      parallel, '',
    );
  }
  const crossings = crossingsTable(r);
  if (crossings) {
    out.push(
      '## Region crossings', '',
      'From one more hybrid run of each kernel with trace profiling on (`tier2.profile`, as `--stats` and `--profile-out` use; '
        + 'not timed with the others): trace entries, guest instructions per entry, and the share of the ways out of a trace '
        + '(chained: a tail call into the next trace; the kinds add up to all of them).', '',
      crossings, '',
    );
  }
  if (r.warmup && charts.warmup) {
    const first = r.warmup.hybrid.installs[0];
    out.push(
      '## Warm-up', '',
      `Guest MIPS of \`${r.warmup.kernel}\` over time, sampled every ${r.warmup.intervalMs} ms, for tier 1 alone and for hybrid`
        + `${r.warmup.warm ? ', cold (no cache) and with the warm trace cache' : ''}; `
        + `the grey lines mark the trace installs of the cold hybrid run (${r.warmup.hybrid.installs.length}`
        + `${first ? `, the first at ${sig(first.timeMs)} ms` : ''}).`, '',
      `![Warm-up of ${r.warmup.kernel}](${charts.warmup})`, '',
    );
  }
  for (const s of r.sweeps) {
    out.push(
      `## Sweep: ${s.tunable}`, '',
      `Hybrid mode with \`${s.tunable}\` set to each value (the rest as in the main table); each cell is the median time and the speedup over tier 1.`, '',
      sweepTable(s), '',
    );
    if (charts.sweeps[s.tunable]) out.push(`![${s.tunable} sweep](${charts.sweeps[s.tunable]})`, '');
  }
  const settings = Object.entries(r.hybrid).map(([k, v]) => `${k} ${v}`).join(', ');
  out.push(
    '## How this was measured', '',
    `- Modes: **tier 1** is the JavaScript template JIT alone (\`tier2: false\`); **hybrid (strict)** adds tier 2 (${settings}); `
      + "**hybrid (flat)** is the same with `memoryModel: 'flat'`, on the same warm pool"
      + `${r.columns.warm.skipped === null ? '; **hybrid (warm cache)** is hybrid (strict) with a persistent trace cache filled beforehand (below)' : ''}.`,
    `- Memory models: ${r.method.memoryModels}.`,
    ...(r.columns.warm.skipped === null
      ? [`- Warm cache: ${r.method.warmCache}; the caches were ${r.columns.warm.cacheDir ? `kept in ${r.columns.warm.cacheDir}` : 'in a temporary folder, removed after the bench'}.`]
      : []),
    ...(r.columns.short.skipped === null ? [`- Short programs: ${r.method.shortPrograms}.`] : []),
    ...(r.columns.parallel.skipped === null ? [`- Parallel speedup: ${r.method.parallel}.`] : []),
    `- ${r.method.pool[0]!.toUpperCase()}${r.method.pool.slice(1)}.`,
    `- Order: ${r.method.order}.`,
    `- Machine load (1-minute average): ${number(r.host.loadAverage.start, 2)} at the start, ${number(r.host.loadAverage.end, 2)} at the end, `
      + `on ${r.host.cpus} hardware threads; other work on the machine shows up in the spreads.`,
    `- Timing: ${r.method.timing}.`,
    `- qemu-riscv32: ${r.columns.qemu.version ?? 'not used'}; native: the same C sources built with \`cc -O2\` (${r.columns.native.version ?? 'not used'}).`,
    ...skipped('qemu-riscv32', r.columns.qemu),
    ...skipped('native', r.columns.native),
    ...skipped('hybrid (flat)', r.columns.flat),
    ...skipped('hybrid (warm cache)', r.columns.warm),
    ...(r.columns.short.skipped === null ? [] : [`- No short-programs table: ${r.columns.short.skipped}.`]),
    ...(r.columns.parallel.skipped === null ? [] : [`- No parallel-speedup table: ${r.columns.parallel.skipped}.`]),
    '- Every run checks the exit code: a kernel exits non-zero when its own checks fail, and that fails the bench.',
    '- `report.json` holds every number here, with each run\'s time.', '',
  );
  return out.join('\n');
}
