import { commandName } from './command-name.js';

/**
 * `hyemu run` and `hyemu aot` start the tier-2 compiler pool as soon as the
 * command line's bundle has loaded (bin.ts), before the ELF and the
 * emulator: its worker needs ~0.3 s to load binaryen, the floor of the
 * first trace's arrival, and can do so on the other core meanwhile. The emulator
 * then acquires the same shared pool (pool.ts). Skipped for --no-tier2,
 * `run --cache`, other commands and a worker count that does not parse;
 * the process exits when the command ends (bin.ts), pool or not.
 */
export function startPoolEarly(argv: readonly string[]): void {
  const command = commandName(argv);
  if (command !== 'run' && command !== 'aot') return;
  let workers: number | undefined;
  for (let i = argv.indexOf(command) + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--no-tier2') return;
    // With a trace cache, run starts the pool only if it needs it (aot does).
    if (command === 'run' && (a === '--cache' || a.startsWith('--cache='))) return;
    if (a === '--workers' || a.startsWith('--workers=')) {
      workers = Number(a === '--workers' ? argv[i + 1] : a.slice('--workers='.length));
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) return;
    }
  }
  void import('../tier2-optimizer/pool.js').then(
    (m) => { m.acquirePool(workers ?? m.defaultWorkers()); },
    () => { /* the emulator starts its pool itself and reports any problem */ },
  );
}
