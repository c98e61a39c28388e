import type { RunStats } from '../runtime/emulator.js';

const fmt = (n: number | null, digits = 0): string =>
  n === null ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** What each kind of trace exit is, in the table. */
const EXIT_LABELS = {
  direct: 'by direct branch', indirect: 'by indirect jump/return', budget: 'at a loop header (budget/stop)',
  syscall: 'by system call', store: 'by a slow store or page check', other: 'by trap or fence.i',
} as const;

/** `--stats`: a two-column table on stderr. */
export function formatStats(s: RunStats): string {
  const rows: Array<[string, string]> = [
    ['guest instructions', fmt(s.instructions)],
    ['wall time (ms)', fmt(s.wallTimeMs, 1)],
    ['run started (ms from process start)', fmt(s.startedAtMs, 1)],
    ['guest MIPS', fmt(s.mips, 1)],
    ['system calls', fmt(s.syscalls)],
    ['memory mapped (bytes)', fmt(s.mappedBytes)],
    ['guest threads created (peak alive)', `${fmt(s.threads.created)} (${fmt(s.threads.peakLive)})`],
    ['tier 1: blocks translated', fmt(s.tier1.blocksTranslated)],
    ['tier 1: instructions translated', fmt(s.tier1.instructionsTranslated)],
    ['tier 1: blocks compiled to JavaScript', fmt(s.tier1.blocksCompiled)],
    ['tier 1: translate time (ms)', fmt(s.tier1.translateMs, 1)],
    ['tier 1: dispatches', fmt(s.tier1.dispatches)],
    ['tier 1: blocks invalidated', fmt(s.tier1.blocksInvalidated)],
  ];
  const t = s.tier2;
  if (t) {
    rows.push(
      ['tier 2: traces requested', fmt(t.requested)],
      ['tier 2: traces compiled', fmt(t.compiled)],
      ['tier 2: traces installed', fmt(t.installed)],
      ['tier 2: dropped as stale', fmt(t.staleDropped)],
      ['tier 2: failed', fmt(t.failed)],
      ['tier 2: invalidated', fmt(t.invalidated)],
      ['tier 2: heads backed off (code kept changing)', fmt(t.backedOff)],
      ['tier 2: compile ms (median)', fmt(t.compileMsMedian, 1)],
      ['tier 2: compile ms (p95)', fmt(t.compileMsP95, 1)],
      ['tier 2: pool started at (instructions)', fmt(t.poolStartedAtInsns)],
      ['tier 2: first install (ms)', fmt(t.firstInstallMs, 1)],
      ['tier 2: first install (ms from process start)', fmt(t.firstInstallMs === null ? null : s.startedAtMs + t.firstInstallMs, 1)],
      ['tier 2: instructions', fmt(t.instructions)],
      ['tier 2: share of instructions', `${fmt(t.share * 100, 1)} %`],
    );
    if (s.threads.created > 0) rows.push(['tier 2: instructions in other threads', fmt(t.threadInstructions)]);
    if (t.cache) {
      rows.push(
        ['tier 2: regions from the cache', fmt(t.cache.fromCache)],
        ['tier 2: regions written to the cache', fmt(t.cache.written)],
        ['tier 2: cached regions not matching the code', fmt(t.cache.differing)],
        ['tier 2: cached modules unusable', fmt(t.cache.unusable)],
      );
    }
    const p = t.profile;
    if (p) {
      rows.push(
        ['tier 2: trace entries', fmt(p.entries)],
        ['tier 2: instructions per entry', fmt(p.instructionsPerEntry, 1)],
        ['tier 2: exits chained to a trace', fmt(p.chained)],
        ['tier 2: exits to the dispatcher', fmt(p.toDispatcher)],
        ...Object.entries(p.exits).map(([kind, n]): [string, string] => [`tier 2: exits ${EXIT_LABELS[kind as keyof typeof p.exits]}`, fmt(n)]),
      );
    }
  } else {
    rows.push(['tier 2', 'off']);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['hyemu statistics', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v.padStart(16)}`)].join('\n') + '\n';
}
