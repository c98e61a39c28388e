import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { HyemuError } from '../errors.js';
import { MAX_MEMORY_LIMIT } from '../runtime/address-space.js';
import { writeErr } from './host-output.js';
import { addRunCommand } from './run-command.js';
import { addCacheCommand } from './cache-command.js';
import { mayNeedBench } from './command-name.cjs';

/** The `hyemu` command line. `raw` holds the bytes of each argument (see
 *  raw-argv.ts). Errors are one line on stderr and a defined exit code; a
 *  JavaScript stack is printed only with HYEMU_DEBUG=1. */
export async function main(argv: string[], raw: readonly Buffer[] = argv.map((a) => Buffer.from(a))): Promise<number> {
  const program = new Command('hyemu')
    .description('Run static RISC-V rv32 Linux programs on Node.js (tier-1 JavaScript JIT + tier-2 WebAssembly traces)')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeErr,
      outputError: (text, write) => write(`hyemu: ${text.replace(/^error: /, '')}`),
    });
  let exitCode = 0;
  const setExit = (code: number): void => { exitCode = code; };
  addRunCommand(program, argv, raw, setExit);
  addRunCommand(program, argv, raw, setExit, 'aot');
  addCacheCommand(program, setExit);
  try {
    // The bench (its harness, report and charts) loads only when a command
    // line may need it: `hyemu run` starts without it (hello: median 225 -> 215
    // ms, 9 interleaved runs; `node -e 1` takes 77 ms on the same machine).
    if (mayNeedBench(argv)) {
      const { addBenchCommand } = await import('./bench-command.js');
      addBenchCommand(program, setExit);
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof HyemuError) {
      writeErr(`hyemu: ${e.message}\n`);
      return e.exitCode;
    }
    writeErr(`hyemu: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env['HYEMU_DEBUG']) writeErr(`${(e as Error)?.stack}\n`);
    return 70;
  }
}

/** Parsers shared by the commands. Counts may be written 5_000_000. */
const countOf = (value: string): number => Number(value.replace(/_/g, ''));

export function parseCount(value: string): number {
  const n = countOf(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('want a positive integer');
  return n;
}

/** A count from 0 to `max`. */
export const parseCountUpTo = (max: number) => (value: string): number => {
  const n = countOf(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`want an integer 0..${max}`);
  return n;
};

export function parseSize(value: string): number {
  const m = /^(\d+)([kmg]?)i?b?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('want a size such as 512M or 1G');
  const n = Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  // Beyond the guest's address space a limit would promise what cannot be mapped.
  if (n <= 0 || n > MAX_MEMORY_LIMIT) throw new InvalidArgumentError(`want a size between 1 and ${MAX_MEMORY_LIMIT / 1024}K (the guest's whole address space)`);
  return n;
}

export function parseSeconds(value: string): number {
  const n = Number(value.replace(/s$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('want a positive number of seconds');
  return Math.max(1, Math.round(n * 1000));
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export { Option };
