import fs from 'node:fs';
import { HyemuError, type RunResult } from '../../lib/index.js';
import { prng } from './prng.js';

/**
 * Shared pieces of the fuzz tests (test/fuzz-*.test.ts): the case count
 * and first seed from the environment, a seeded generator with helpers,
 * and checks that the host is unharmed.
 *
 *   HYEMU_FUZZ_CASES=n          cases per fuzzer (each test has a default
 *                               that keeps it under a minute)
 *   HYEMU_FUZZ_<NAME>_CASES=n   for one fuzzer: ELF, INSNS or SYSCALLS
 *                               (`npm run fuzz` sets these)
 *   HYEMU_FUZZ_FIRST_SEED=s     first seed (default 1); case k uses seed s + k
 */
export function fuzzCases(name: 'elf' | 'insns' | 'syscalls', defaultCases: number): number {
  const raw = process.env[`HYEMU_FUZZ_${name.toUpperCase()}_CASES`] ?? process.env['HYEMU_FUZZ_CASES'];
  const n = Number(raw ?? defaultCases);
  return Number.isSafeInteger(n) && n > 0 ? n : defaultCases;
}

export function fuzzFirstSeed(): number {
  const n = Number(process.env['HYEMU_FUZZ_FIRST_SEED'] ?? 1);
  return Number.isSafeInteger(n) ? n : 1;
}

/** A seeded source of random choices (mulberry32 underneath). */
export class Rng {
  private readonly next: () => number;

  constructor(readonly seed: number) {
    this.next = prng(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A uniformly random unsigned 32-bit value. */
  u32(): number {
    return (Math.floor(this.next() * 0x10000) * 0x10000 + Math.floor(this.next() * 0x10000)) >>> 0;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((s, [w]) => s + w, 0);
    let x = this.next() * total;
    for (const [w, v] of entries) {
      if ((x -= w) < 0) return v;
    }
    return entries[entries.length - 1]![1];
  }
}

/** Values that break emulators: boundaries of signed and unsigned ranges,
 *  of pages and of the guest layout. */
export const INTERESTING_U32: readonly number[] = [
  0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x1001, 0xffff, 0x10000, 0x10001,
  0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_ffff, 0xffff_fffe, 0xffff_f000, 0xfffe_0000,
  0x4000_0000, 0x407f_f000, 0x4080_0000, 0xffef_0000, 0xfff0_0000, 0x0011_0000,
];

/** Open file descriptors of this process (Linux; null elsewhere). */
export function openFdCount(): number | null {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** How a run ended, for comparing tiers and for failure messages. */
export interface Ending {
  readonly status: RunResult['status'];
  readonly exitCode: number;
  readonly signal?: string;
  readonly pc?: number;
  readonly addr?: number;
}

export function ending(r: RunResult): Ending {
  return {
    status: r.status, exitCode: r.exitCode,
    ...(r.fault ? { signal: r.fault.signal, pc: r.fault.pc, addr: r.fault.addr } : {}),
  };
}

/** An outcome of one fuzz run: a result, a typed hyemu error, or something
 *  else thrown (a failure: a host exception escaped). */
export type Attempt =
  | { readonly kind: 'result'; readonly result: RunResult; readonly ms: number }
  | { readonly kind: 'hyemu-error'; readonly error: HyemuError; readonly ms: number }
  | { readonly kind: 'host-exception'; readonly error: unknown; readonly ms: number };

export async function attempt(f: () => Promise<RunResult>): Promise<Attempt> {
  const t0 = performance.now();
  try {
    const result = await f();
    return { kind: 'result', result, ms: performance.now() - t0 };
  } catch (error) {
    const ms = performance.now() - t0;
    return error instanceof HyemuError ? { kind: 'hyemu-error', error, ms } : { kind: 'host-exception', error, ms };
  }
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return String(e);
}

/** A one-line summary the fuzz tests print with t.comment. */
export function summary(name: string, figures: Record<string, number | string>): string {
  return `fuzz ${name}: ${Object.entries(figures).map(([k, v]) => `${k} ${v}`).join(', ')}`;
}
