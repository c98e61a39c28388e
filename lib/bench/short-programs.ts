import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './kernels.js';

/** A short program of the bench's cold-process table: a committed test guest. */
export interface ShortProgram {
  readonly name: string;
  /** The rv32 ELF, relative to the package root. */
  readonly elf: string;
  /** What it is, in one line. */
  readonly description: string;
  /** The status it exits with under `hyemu run --no-tier2`: both modes must exit so. */
  readonly exitCode: number;
}

/** The short programs, each run as a fresh `hyemu run` process in both
 *  modes; their output is deterministic, and every run must match the
 *  first tier-1 run's. */
export const SHORT_PROGRAMS: readonly ShortProgram[] = [
  { name: 'hello', elf: 'test/guest/bin/hello.elf', description: 'prints its argv and a malloc check, then exits 3 on purpose', exitCode: 3 },
  { name: 'cachemix', elf: 'test/guest/bin/cachemix.elf', description: 'two hot loops (an FNV-style hash, a sum of squares), one line each', exitCode: 0 },
  { name: 'qsort_big', elf: 'test/guest/bin/qsort_big.elf', description: 'sorts 100,000 ints with libc qsort and as a linked list with merge sort, and checks both', exitCode: 0 },
  { name: 'smc', elf: 'test/guest/bin/smc.elf', description: 'self-modifying code: writes, runs, patches and reruns functions in RWX, mprotect-flipped and remapped pages', exitCode: 0 },
];

/** A program's ELF as an absolute path. */
export const shortProgramElf = (p: ShortProgram): string => path.join(packageRoot(), p.elf);

/** Why the short programs cannot run (their ELFs or the built CLI are not installed), or null. */
export function shortProgramsMissing(programs: readonly ShortProgram[], cli: string): string | null {
  if (!fs.existsSync(cli)) return `the built command line is not there (${cli} is missing)`;
  const missing = programs.map(shortProgramElf).find((f) => !fs.existsSync(f));
  return missing ? `the test guests are not installed (${missing} is missing)` : null;
}
