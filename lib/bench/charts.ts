import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchReport, SweepResult } from './report.js';
import type { Timeline } from './runners.js';
import { geomean } from './stats.js';

/** Renders a Vega-Lite spec to SVG without a browser or canvas (text widths are estimated). */
async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const, subtitleFontSize: 11, subtitleColor: '#555' },
};

/** A log scale once the values span more than this factor (native is ~100× tier 1). */
const LOG_SPAN = 20;

/** Grouped bars per kernel (and the geometric mean): speedup over tier 1 alone of hybrid (strict, flat and warm cache), qemu-riscv32 and native. */
export function speedupChart(r: BenchReport): Promise<string> {
  const modes: Array<[string, (k: BenchReport['kernels'][number]) => number | null]> = [
    ['hybrid (strict)', (k) => k.speedupOverTier1],
    ['hybrid (flat)', (k) => k.flatSpeedupOverTier1],
    ['hybrid (warm cache)', (k) => k.warmSpeedupOverTier1],
    ['qemu-riscv32', (k) => (k.qemu ? k.tier1.medianMs / k.qemu.medianMs : null)],
    ['native', (k) => (k.native ? k.tier1.medianMs / k.native.medianMs : null)],
  ];
  const rows: Array<{ kernel: string; mode: string; speedup: number }> = [];
  for (const [mode, of] of modes) {
    for (const k of r.kernels) {
      const s = of(k);
      if (s !== null) rows.push({ kernel: k.name, mode, speedup: s });
    }
    // The geometric mean over the kernels that have this mode.
    const mine = rows.filter((row) => row.mode === mode).map((row) => row.speedup);
    const mean = geomean(mine);
    if (mean !== null) rows.push({ kernel: 'geometric mean', mode, speedup: mean });
  }
  const values = rows.map((row) => row.speedup);
  const log = Math.max(...values) / Math.min(...values) > LOG_SPAN;
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Speedup over tier 1 alone (higher is faster)',
      subtitle: `median of ${r.method.repeat} run(s) per mode; hybrid on a warm tier-2 pool${log ? '; log scale' : ''}`,
    },
    config: CONFIG,
    width: { step: 16 },
    height: 280,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'kernel', type: 'nominal', sort: null, title: null, axis: { labelAngle: -30 } },
          xOffset: { field: 'mode', type: 'nominal', sort: modes.map(([m]) => m) },
          // Bars grow from 1 (as fast as tier 1): up for a speedup, down for a slowdown.
          y: { field: 'speedup', type: 'quantitative', title: 'speedup over tier 1 (×)', stack: null, scale: log ? { type: 'log' } : { zero: true } },
          y2: { datum: 1 },
          color: { field: 'mode', type: 'nominal', sort: modes.map(([m]) => m), title: null, legend: { orient: 'top' } },
        },
      },
      { mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { y: { datum: 1 } } },
    ],
  });
}

/** Guest MIPS over time of tier 1 alone, of hybrid, and of hybrid with the warm trace cache, with a vertical line at each trace install of the cold hybrid run. */
export function warmupChart(w: NonNullable<BenchReport['warmup']>): Promise<string> {
  // Each sample is the MIPS of the interval ending at its time: drawn as steps,
  // the first one from time 0.
  const series = (mode: string, t: Timeline): Array<{ mode: string; timeMs: number; mips: number }> =>
    t.samples.length === 0 ? [] : [{ mode, timeMs: 0, mips: t.samples[0]!.mips }, ...t.samples.map((s) => ({ mode, ...s }))];
  const modes = ['tier 1', w.warm ? 'hybrid (cold)' : 'hybrid', ...(w.warm ? ['hybrid (warm cache)'] : [])];
  const samples = [...series(modes[0]!, w.tier1), ...series(modes[1]!, w.hybrid), ...(w.warm ? series(modes[2]!, w.warm) : [])];
  const installs = w.hybrid.installs.map((i) => ({ ...i, what: 'trace installed' }));
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Warm-up of ${w.kernel}: guest MIPS over time`,
      subtitle: `sampled every ${w.intervalMs} ms; grey lines: the ${installs.length} tier-2 trace installs of the ${w.warm ? 'cold ' : ''}hybrid run`,
    },
    config: CONFIG,
    width: 640,
    height: 300,
    layer: [
      {
        data: { values: installs },
        mark: { type: 'rule', color: '#999', opacity: 0.45 },
        encoding: { x: { field: 'timeMs', type: 'quantitative' } },
      },
      {
        data: { values: samples },
        mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-before' },
        encoding: {
          x: { field: 'timeMs', type: 'quantitative', title: 'time since the guest started (ms)' },
          y: { field: 'mips', type: 'quantitative', title: 'guest MIPS' },
          color: { field: 'mode', type: 'nominal', sort: modes, title: null, legend: { orient: 'top' } },
        },
      },
    ],
  });
}

/** A sweep: speedup over tier 1 for each value of the tunable, one line per kernel and a bold geometric mean. */
export function sweepChart(s: SweepResult): Promise<string> {
  const rows = s.kernels.flatMap((k) => k.points.map((p) => ({ kernel: k.name, value: p.value, speedup: p.speedupOverTier1 })));
  const mean = s.geomean.map((g) => ({ kernel: 'geometric mean', value: g.value, speedup: g.speedupOverTier1 }));
  const x = { field: 'value', type: 'ordinal' as const, sort: s.values as string[], title: s.tunable, axis: { labelAngle: 0 } };
  const y = { field: 'speedup', type: 'quantitative' as const, title: 'speedup over tier 1 (×)' };
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Sweep of ${s.tunable}: hybrid speedup over tier 1`, subtitle: `default ${s.tunable}: ${s.baseline}; bold: geometric mean over the kernels` },
    config: CONFIG,
    width: Math.max(320, 90 * s.values.length),
    height: 300,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: true, strokeWidth: 1.2, opacity: 0.8 },
        encoding: { x, y, color: { field: 'kernel', type: 'nominal', sort: null, title: 'kernel' } },
      },
      {
        data: { values: mean },
        mark: { type: 'line', point: { color: 'black' }, strokeWidth: 3, color: 'black' },
        encoding: { x, y },
      },
      { mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { y: { datum: 1 } } },
    ],
  });
}
