import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Emulator, type RunOptions, type RunResult } from '../../lib/index.js';

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const GUEST_DIR = path.join(ROOT, 'test/guest');
export const guestElf = (name: string): string => path.join(GUEST_DIR, 'bin', `${name}.elf`);

/** One guest program run with its expected outcome (test/guest/ * /cases.json). */
export interface GuestCase {
  readonly name: string;
  readonly elf: string;
  readonly args?: readonly string[];
  readonly stdin?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Append a fresh scratch directory (mounted at the same path) to args. */
  readonly scratchDir?: boolean;
  readonly exit: number;
  readonly stdout?: string;
}

/** What it takes to run a guest program (a case without its expected outcome). */
export type GuestRun = Omit<GuestCase, 'name' | 'exit' | 'stdout'>;

export function loadCases(): GuestCase[] {
  const read = (f: string): GuestCase[] => JSON.parse(fs.readFileSync(path.join(GUEST_DIR, f), 'utf8')) as GuestCase[];
  return [...read('isa/cases.json'), ...read('programs/cases.json')];
}

export interface Outcome {
  readonly exitCode: number;
  readonly stdout: string;
}

function withScratch<T>(c: GuestRun, f: (args: string[], scratch: string | null) => T): T {
  const scratch = c.scratchDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-case-')) : null;
  try {
    return f([...(c.args ?? []), ...(scratch ? [scratch] : [])], scratch);
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs a case in hyemu through the library API; `created` sees the
 *  Emulator before it runs. */
export async function runCase(
  c: GuestCase, extra: RunOptions = {}, created?: (emu: Emulator) => void,
): Promise<Outcome & { result: RunResult }> {
  const scratch = c.scratchDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-case-')) : null;
  try {
    const emu = await Emulator.create(path.join(GUEST_DIR, c.elf), {
      args: [...(c.args ?? []), ...(scratch ? [scratch] : [])],
      env: c.env ?? {},
      stdin: c.stdin ?? '',
      mounts: scratch ? [`${scratch}:${scratch}`] : [],
      timeoutMs: 120_000,
      ...extra,
    });
    created?.(emu);
    const result = await emu.run();
    return { exitCode: result.exitCode, stdout: result.stdout?.toString() ?? '', result };
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

let qemu: string | null | undefined;
/** The qemu-riscv32 binary, or null when it is not installed. */
export function qemuPath(): string | null {
  if (qemu === undefined) {
    const r = spawnSync('qemu-riscv32', ['--version'], { encoding: 'utf8' });
    qemu = r.status === 0 ? 'qemu-riscv32' : null;
  }
  return qemu;
}

/** Runs a case under qemu-riscv32 with the same arguments, environment and stdin. */
export function runCaseInQemu(c: GuestRun): Outcome {
  return withScratch(c, (args) => {
    // `env -i`: the test runner injects variables into child processes,
    // and qemu passes its whole environment on to the guest.
    const vars = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`);
    const r = spawnSync('env', ['-i', ...vars, qemuPath()!, path.join(GUEST_DIR, c.elf), ...args], {
      input: c.stdin ?? '', cwd: GUEST_DIR, timeout: 120_000, maxBuffer: 64 << 20,
    });
    const exitCode = r.status ?? 128 + (os.constants.signals[r.signal as keyof typeof os.constants.signals] ?? 0);
    return { exitCode, stdout: r.stdout.toString() };
  });
}
