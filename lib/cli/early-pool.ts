import { commandName } from './command-name.cjs';

/**
 * `hyemu aot`, and `hyemu run --pool-start-insns 0`, start the tier-2
 * compiler pool as soon as the command line's bundle has loaded (bin.cts),
 * before the ELF and the emulator: its worker needs ~0.3 s to load
 * binaryen, the floor of the first trace's arrival, and can do so on the
 * other core meanwhile. A plain `run` leaves the start to the emulator,
 * once the guest has retired poolStartInsns with a region waiting, so that
 * a short program never pays for a pool (even workers started early that
 * load binaryen only when told cost hello ~15 ms: 197 against 182 ms,
 * tier 1 alone 178, medians of 9; the first trace then comes ~40 ms later
 * on coremark). The emulator acquires the same shared pool (pool.ts). Skipped
 * for --no-tier2, `run --cache`, other commands and a worker count that
 * does not parse; the process exits when the command ends (bin.cts), pool
 * or not.
 */
export function startPoolEarly(argv: readonly string[]): void {
  const command = commandName(argv);
  if (command !== 'run' && command !== 'aot') return;
  let workers: number | undefined;
  let early = command === 'aot';
  const valueOf = (i: number, flag: string): string | undefined => (argv[i] === flag ? argv[i + 1] : argv[i]!.slice(flag.length + 1));
  for (let i = argv.indexOf(command) + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--no-tier2') return;
    // With a trace cache, run starts the pool only if it needs it (aot does).
    if (command === 'run' && (a === '--cache' || a.startsWith('--cache='))) return;
    if (a === '--pool-start-insns' || a.startsWith('--pool-start-insns=')) early ||= Number(valueOf(i, '--pool-start-insns')) === 0;
    if (a === '--workers' || a.startsWith('--workers=')) {
      workers = Number(valueOf(i, '--workers'));
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) return;
    }
  }
  if (!early) return;
  void import('../tier2-optimizer/pool.js').then(
    (m) => { m.acquirePool(workers ?? m.defaultWorkers()); },
    () => { /* the emulator starts its pool itself and reports any problem */ },
  );
}
