import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './kernels.js';

/** The parallel-speedup kernel: a guest program that splits a fixed amount
 *  of work over N guest threads (N its first argument), printing the same
 *  line for every N. */
export interface ParallelKernel {
  readonly name: string;
  /** The rv32 ELF, relative to the package root. */
  readonly elf: string;
  /** What it is, in one line. */
  readonly description: string;
  /** Arguments after the thread count (the kernel's work scale; none: its default). */
  readonly args: readonly string[];
}

/** The engines the parallel table compares, in its rows' order. */
export const PARALLEL_ENGINES = ['tier1', 'hybrid', 'qemu'] as const;
export type ParallelEngine = (typeof PARALLEL_ENGINES)[number];

/** The guest thread counts each engine runs the kernel with; the speedup is the first's time ÷ the last's. */
export const PARALLEL_THREADS: readonly number[] = [1, 2];

/** bench/kernels/parallel.c: all its work runs in created threads (main only creates and joins them). */
export const PARALLEL_KERNEL: ParallelKernel = {
  name: 'parallel',
  elf: 'bench/kernels/bin/parallel.elf',
  description: '24 independent xorshift/multiply mixing chunks, each thread taking a contiguous run of them, folded into one checksum in chunk order',
  // Scale 9000 (3x its default): about 5 s of tier 1 on one thread here, so
  // that hybrid's time is not mostly the wait for its first trace.
  args: ['9000'],
};

/** The kernel's ELF as an absolute path. */
export const parallelElf = (k: ParallelKernel): string => path.join(packageRoot(), k.elf);

/** The label of an engine at a thread count (progress and failures). */
export function parallelMode(engine: ParallelEngine, threads: number): string {
  const name = engine === 'tier1' ? 'tier 1' : engine === 'hybrid' ? 'hybrid' : 'qemu-riscv32';
  return `${name}, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** Why the parallel kernel cannot run (its ELF or the built CLI is not installed), or null. */
export function parallelMissing(k: ParallelKernel, cli: string): string | null {
  if (!fs.existsSync(cli)) return `the built command line is not there (${cli} is missing)`;
  const elf = parallelElf(k);
  return fs.existsSync(elf) ? null : `the parallel kernel is not installed (${elf} is missing)`;
}
