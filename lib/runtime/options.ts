import type { Readable, Writable } from 'node:stream';
import type { MountSpec } from './vfs/mounts.js';
import type { Tier2Options } from '../tier2-optimizer/options.js';
import type { SignalName } from './signals.js';

/** Text (passed to the guest as UTF-8) or bytes, passed as they are: what
 *  the guest sees of arguments and the environment is bytes, as on Linux. */
export type GuestString = string | Uint8Array;

/** Options of a guest run (the library API; the CLI maps its flags here). */
export interface RunOptions {
  /** Arguments after argv[0]. */
  readonly args?: readonly GuestString[];
  /** argv[0]; defaults to the program path, or "program" for bytes. */
  readonly argv0?: GuestString;
  /** The guest environment: names to values, or `KEY=VALUE` entries in
   *  order. Empty by default: the host's is not passed. */
  readonly env?: Readonly<Record<string, GuestString>> | readonly GuestString[];
  /** Guest stdin: a stream, bytes or text, or a host file descriptor number
   *  that the guest then reads directly (at most what it asks for, so the
   *  rest stays in the descriptor). Empty when omitted. */
  readonly stdin?: Readable | Uint8Array | string | number;
  /** Guest stdout/stderr: a stream, or a host file descriptor number (each
   *  guest write has reached it when the write returns). When omitted,
   *  output is collected and returned in the result. */
  readonly stdout?: Writable | number;
  readonly stderr?: Writable | number;
  /** Host directories the guest may see: `HOST:GUEST[:ro]` or a MountSpec. */
  readonly mounts?: ReadonlyArray<string | MountSpec>;
  /** Guest working directory (default "/"). */
  readonly cwd?: GuestString;
  /** Stop after about this many guest instructions (status "limit"). */
  readonly maxInstructions?: number;
  /** Stop after this many milliseconds of wall-clock time (status "limit"). */
  readonly timeoutMs?: number;
  /** Most bytes the guest may map (ELF, stack, brk, mmap); default 1 GiB. */
  readonly memoryLimit?: number;
  /** Most guest threads alive at once, the main one included (default 64,
   *  at most 113): clone fails with EAGAIN past it. Each thread other than
   *  the main one runs on its own worker thread. */
  readonly maxThreads?: number;
  /** 'strict' (the default): every guest load is checked against the page
   *  table, as Linux would fault it. 'flat': loads anywhere inside the
   *  guest address space (below 0x40800000) are not checked, so an unmapped
   *  hole or a PROT_NONE page reads as its bytes (zeros for a hole) instead
   *  of SIGSEGV, as in libriscv's flat arena; stores stay checked (read-only
   *  segments and translated code are still protected), and an access
   *  beyond the guest space is still SIGSEGV. Faster; results differ only
   *  for programs that read memory they did not map. */
  readonly memoryModel?: MemoryModel;
  /** Most file descriptors the guest may hold open (default 256). */
  readonly maxOpenFiles?: number;
  /** Signals the guest starts with as SIG_IGN, as after an exec from a
   *  parent that ignored them (Linux keeps ignored dispositions across
   *  execve): numbers 1..64 or names; SIGKILL and SIGSTOP cannot be. */
  readonly ignoredSignals?: readonly (number | SignalName)[];
  /** Stops the run; `run()` then rejects with an AbortError. */
  readonly signal?: AbortSignal;
  /** Log every system call: true for stderr of the host, or a function. */
  readonly strace?: boolean | ((line: string) => void);
  /** The persistent trace cache: compiled regions are stored in `dir` and
   *  installed in later runs whose code is identical (see README, "The
   *  trace cache"). Off unless given; nothing is written anywhere else. */
  readonly cache?: TraceCacheOptions;
  /** Tier 2 settings; false turns tier 2 off (tier 1 only). */
  readonly tier2?: boolean | Partial<Tier2Options>;
  /** Source of AT_RANDOM and getrandom() bytes (default: crypto). */
  readonly random?: (buf: Uint8Array) => void;
  /** Guest instructions per tier-1 block (default 64). */
  readonly maxBlockInsns?: number;
  /** Executions of a tier-1 block that interpret its IR before it is
   *  compiled to JavaScript (default 4; 0 compiles every block at once). */
  readonly tier1CompileAfter?: number;
  /** Verify the IR of every translated block (slower; for testing). */
  readonly verifyIR?: boolean;
  /** Emit a 'progress' event about this often (milliseconds) while running. */
  readonly progressIntervalMs?: number;
}

export interface TraceCacheOptions {
  /** An existing directory (hyemu adds its own folder inside). */
  readonly dir: string;
  /** Receives each warning (an unusable file or directory); default
   *  process.emitWarning. The run goes on without what it concerns. */
  readonly onWarning?: (message: string) => void;
}

export type MemoryModel = 'strict' | 'flat';
export const MEMORY_MODELS: readonly MemoryModel[] = ['strict', 'flat'];

export const DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024;
export const DEFAULT_MAX_OPEN_FILES = 256;
