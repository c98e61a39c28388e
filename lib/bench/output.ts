import fs from 'node:fs';
import path from 'node:path';
import { renderMarkdown, type ChartFiles } from './markdown.js';
import type { BenchReport } from './report.js';

/** Writes report.md, report.json and the SVG charts into `dir`; returns the files written. */
export async function writeReport(dir: string, report: BenchReport): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  // Vega takes about half a second to load: only when a report is written, not with every `hyemu` command.
  const { speedupChart, sweepChart, warmupChart } = await import('./charts.js');
  const files = new Map<string, string>();
  const charts: ChartFiles = {
    speedup: 'speedup.svg',
    warmup: report.warmup ? 'warmup.svg' : null,
    sweeps: Object.fromEntries(report.sweeps.map((s) => [s.tunable, `sweep-${s.tunable}.svg`])),
  };
  files.set(charts.speedup, await speedupChart(report));
  if (report.warmup) files.set('warmup.svg', await warmupChart(report.warmup));
  for (const s of report.sweeps) files.set(charts.sweeps[s.tunable]!, await sweepChart(s));
  files.set('report.md', renderMarkdown(report, charts));
  files.set('report.json', `${JSON.stringify(report, null, 2)}\n`);
  for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  return [...files.keys()].map((name) => path.join(dir, name));
}
