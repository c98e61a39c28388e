import { NR, type SyscallName } from '../../lib/runtime/syscalls/numbers.js';
import { assembleWords, writeElf } from './elf-writer.js';
import { INTERESTING_U32, type Rng } from './fuzz-common.js';
import * as E from './rv-encode.js';

/**
 * Programs of random system calls for the system call fuzzer: a loop that
 * makes the same sequence of calls a few times (so that tier 2 compiles
 * it), each call with a random number and random arguments chosen by the
 * kind of each argument: file descriptors (negative, huge, stdio, recently
 * opened), paths (inside and outside the scratch mount, `..`, empty, long),
 * buffers (valid, read-only, unmapped, straddling the end of a mapping),
 * lengths (0 to 4 GiB - 1), flags, addresses, signals.
 *
 * The two tiers must be able to agree on everything the program outputs,
 * so inputs and outputs are kept apart: data the kernel reads (paths,
 * iovecs, write buffers) lies in the IN half of the data segment, and
 * buffers the kernel writes (stat, time, getdents, read) in the OUT half;
 * a write never reads the OUT half, so a time or inode number never
 * reaches stdout. clock_nanosleep is never called (it would only wait),
 * and pipes are made non-blocking (a read of an empty one would wait).
 * times() returns the clock: compare its results with `stableStrace`.
 */

export const SC_TEXT = 0x10000;
export const SC_IN = 0x20000;
/** Large enough that a write from IN with any small or page-sized length
 *  stays in IN (never reads OUT); OUT comes last, so writes past its end
 *  fault instead of reaching IN. */
export const SC_IN_SIZE = 0x6000;
export const SC_OUT = SC_IN + SC_IN_SIZE;
export const SC_OUT_SIZE = 0x2000;
const SC_END = SC_OUT + SC_OUT_SIZE;
const LOOP_COUNTER = 27; // s11

/** The calls the fuzzer makes: every one hyemu knows but clock_nanosleep,
 *  rt_sigsuspend and futex_time64 (they would only wait), setitimer and
 *  timer_settime (their signals come at times the tiers need not agree
 *  on; unarmed timers are still created, read and deleted) and clone (a
 *  thread would run in parallel; test/threads.test.ts covers it). */
type FuzzedCall = Exclude<SyscallName,
  'clock_nanosleep_time64' | 'rt_sigsuspend' | 'futex_time64' | 'setitimer' | 'timer_settime64' | 'clone'>;

type Kind = 'fd' | 'dirfd' | 'path' | 'in' | 'out' | 'len' | 'oflags' | 'mode' | 'int' | 'iov-in' | 'iov-out'
  | 'iovcnt' | 'addr' | 'prot' | 'mflags' | 'signal' | 'pid' | 'clock' | 'whence' | 'atflags' | 'sigact' | 'sigset'
  | 'pipeflags' | 'remapflags' | 'renameflags' | 'prctl' | 'who' | 'sigevent' | 'siginfo' | 'timer';

/** Argument kinds of each call (unlisted arguments get junk). */
const SIGNATURES: Readonly<Record<FuzzedCall, readonly Kind[]>> = {
  getcwd: ['out', 'len'], dup: ['fd'], dup3: ['fd', 'fd', 'int'], fcntl64: ['fd', 'int', 'int'],
  ioctl: ['fd', 'int', 'out'], mkdirat: ['dirfd', 'path', 'mode'], unlinkat: ['dirfd', 'path', 'atflags'],
  renameat: ['dirfd', 'path', 'dirfd', 'path'], faccessat: ['dirfd', 'path', 'int'], chdir: ['path'],
  openat: ['dirfd', 'path', 'oflags', 'mode'], close: ['fd'], pipe2: ['out', 'pipeflags'], getdents64: ['fd', 'out', 'len'],
  llseek: ['fd', 'int', 'int', 'out', 'whence'], read: ['fd', 'out', 'len'], write: ['fd', 'in', 'len'],
  readv: ['fd', 'iov-out', 'iovcnt'], writev: ['fd', 'iov-in', 'iovcnt'], pread64: ['fd', 'out', 'len', 'int', 'int'],
  pwrite64: ['fd', 'in', 'len', 'int', 'int'], readlinkat: ['dirfd', 'path', 'out', 'len'],
  newfstatat: ['dirfd', 'path', 'out', 'atflags'], fstat: ['fd', 'out'], exit: ['int'], exit_group: ['int'],
  set_tid_address: ['addr'], set_robust_list: ['addr', 'len'], sched_yield: [],
  sched_getaffinity: ['pid', 'len', 'out'], membarrier: ['int', 'int'], kill: ['pid', 'signal'],
  tkill: ['pid', 'signal'], tgkill: ['pid', 'pid', 'signal'], rt_sigaction: ['signal', 'sigact', 'out', 'len'],
  rt_sigprocmask: ['int', 'sigset', 'out', 'len'], uname: ['out'], getrlimit: ['int', 'out'], umask: ['mode'],
  gettimeofday: ['out', 'out'], getpid: [], getppid: [], getuid: [], geteuid: [], getgid: [], getegid: [], gettid: [],
  sysinfo: ['out'], brk: ['addr'], munmap: ['addr', 'len'], mremap: ['addr', 'len', 'len', 'remapflags', 'addr'],
  mmap2: ['addr', 'len', 'prot', 'mflags', 'fd', 'int'], mprotect: ['addr', 'len', 'prot'], madvise: ['addr', 'len', 'int'],
  riscv_flush_icache: ['addr', 'addr', 'int'], prlimit64: ['pid', 'int', 'in', 'out'], getrandom: ['out', 'len', 'int'],
  statx: ['dirfd', 'path', 'atflags', 'int', 'out'], clock_gettime64: ['clock', 'out'], clock_getres_time64: ['clock', 'out'],
  ftruncate64: ['fd', 'len', 'int'], fsync: ['fd'], fdatasync: ['fd'], times: ['out'], getrusage: ['who', 'out'],
  prctl: ['prctl', 'out'], renameat2: ['dirfd', 'path', 'dirfd', 'path', 'renameflags'],
  getitimer: ['int', 'out'], sigaltstack: ['in', 'out'], rt_sigpending: ['out', 'len'], rt_sigreturn: [],
  timer_create: ['clock', 'sigevent', 'out'], timer_gettime64: ['timer', 'out'], timer_getoverrun: ['timer'], timer_delete: ['timer'],
  rt_sigqueueinfo: ['pid', 'signal', 'siginfo'], rt_tgsigqueueinfo: ['pid', 'pid', 'signal', 'siginfo'],
};

/** Paths the IN half holds (NUL-terminated), relative to the mount at /scratch. */
const PATHS = [
  '/scratch/a', '/scratch/b', '/scratch/d', '/scratch/d/c', 'a', 'd/c', '/scratch', '/scratch/', '.', '..', '/',
  '', '/scratch/../etc/passwd', '/etc/passwd', '../../../../etc/shadow', '/scratch/d/../../scratch/a', '/proc/self/mem',
  '/scratch/a/x', '/scratch/\u00e9t\u00e9', '/scratch/' + 'n'.repeat(300), '/scratch/' + 'deep/'.repeat(30) + 'x',
];

export interface SyscallProgram {
  readonly elf: Uint8Array;
  /** One line per call, for failure messages. */
  readonly calls: readonly string[];
}

interface Layout {
  readonly paths: number[];
  readonly iovIn: number[];
  readonly iovOut: number[];
  readonly sigacts: number[];
  readonly sigsets: number[];
  readonly sigevents: number[];
  readonly siginfos: number[];
  readonly inData: number;
}

/** The IN half: paths, iovec arrays, sigaction structs, signal sets, bytes. */
function buildIn(rng: Rng): { bytes: Uint8Array; layout: Layout } {
  const bytes = new Uint8Array(SC_IN_SIZE);
  const v = new DataView(bytes.buffer);
  let at = 0;
  const paths = PATHS.map((p) => {
    const start = at;
    const b = Buffer.from(p + '\0');
    bytes.set(b, at);
    at += b.length;
    return SC_IN + start;
  });
  at = (at + 7) & ~7;
  const iovArray = (target: () => [number, number], n: number): number => {
    const start = at;
    for (let i = 0; i < n; i++) {
      const [base, len] = target();
      v.setUint32(at, base, true);
      v.setUint32(at + 4, len, true);
      at += 8;
    }
    return SC_IN + start;
  };
  const inTarget = (): [number, number] => rng.weighted<() => [number, number]>([
    [6, () => [SC_IN + rng.int(0, 0x800), rng.int(0, 64)]],
    [1, () => [rng.pick([0, 0xfffff000, SC_END - 4]), rng.int(0, 64)]],
    [1, () => [SC_IN, rng.pick([0x7fffffff, 0xffffffff, 0x1000])]],
  ])();
  const outTarget = (): [number, number] => rng.weighted<() => [number, number]>([
    [6, () => [SC_OUT + rng.int(0, 0x1000), rng.int(0, 64)]],
    [1, () => [rng.pick([0, SC_TEXT, SC_END - 4]), rng.int(0, 64)]],
    [1, () => [SC_OUT, rng.pick([0x7fffffff, 0xffffffff, 0x2000])]],
  ])();
  const iovIn = [iovArray(inTarget, 4), iovArray(inTarget, 16)];
  const iovOut = [iovArray(outTarget, 4), iovArray(outTarget, 16)];
  const sigacts = [0, 1, rng.u32()].map((handler) => {
    const start = at;
    v.setUint32(at, handler, true);
    v.setUint32(at + 4, rng.u32(), true);
    v.setUint32(at + 8, rng.u32(), true);
    v.setUint32(at + 12, rng.u32(), true);
    at += 16;
    return SC_IN + start;
  });
  const sigsets = [0, rng.u32()].map((lo) => {
    const start = at;
    v.setUint32(at, lo, true);
    v.setUint32(at + 4, rng.u32(), true);
    at += 8;
    return SC_IN + start;
  });
  // struct sigevent (value, signo, notify, thread id; 64 bytes).
  const sigevents = Array.from({ length: 4 }, () => {
    const start = at;
    v.setUint32(at, rng.u32(), true);
    v.setInt32(at + 4, rng.pick([14, 34, 10, 0, 65]), true);
    v.setInt32(at + 8, rng.pick([0, 1, 2, 4, 7]), true);
    v.setInt32(at + 12, rng.pick([1000, 5]), true);
    at += 64;
    return SC_IN + start;
  });
  // siginfo_t for rt_sigqueueinfo (128 bytes): a code that is the
  // kernel's, a user's, or of no known layout, and sometimes a non-zero
  // tail (E2BIG for unknown codes).
  const siginfos = Array.from({ length: 3 }, () => {
    const start = at;
    v.setInt32(at + 8, rng.pick([-1, 0, -6, -100, 5, 0x80]), true);
    for (let i = 12; i < 32; i++) bytes[at + i] = rng.int(0, 255);
    if (rng.chance(0.3)) bytes[at + 100] = 1;
    at += 128;
    return SC_IN + start;
  });
  const inData = SC_IN + at;
  for (; at < SC_IN_SIZE; at++) bytes[at] = 32 + rng.int(0, 94);
  return { bytes, layout: { paths, iovIn, iovOut, sigacts, sigsets, sigevents, siginfos, inData } };
}

const CHAOS_IN = [0, 0x1000, 0xffef0000, 0xfff00000, 0xfffff000, 0xffffffff, SC_TEXT, SC_END - 2, 0x40800000 - 64];
const CHAOS_OUT = [0, 0x1000, 0xffef0000, 0xfff00000, 0xfffff000, 0xffffffff, SC_TEXT, SC_END - 2, 0x40800000];

function argument(rng: Rng, kind: Kind, L: Layout): number {
  const interesting = (): number => rng.pick(INTERESTING_U32);
  switch (kind) {
    case 'fd': return rng.weighted([[4, rng.int(0, 2)], [5, rng.int(3, 9)], [1, -1], [1, -100], [1, rng.pick([255, 256, 1023, 0x7fffffff, -0x80000000])], [1, rng.u32()]] as const);
    case 'dirfd': return rng.chance(0.7) ? -100 : argument(rng, 'fd', L);
    case 'path': return rng.chance(0.9) ? rng.pick(L.paths) : rng.pick(CHAOS_IN);
    case 'in': return rng.chance(0.8) ? L.inData + rng.int(0, 0x400) : rng.pick(CHAOS_IN);
    case 'out': return rng.chance(0.8) ? SC_OUT + rng.int(0, SC_OUT_SIZE - 1) : rng.pick(CHAOS_OUT);
    case 'len': return rng.weighted([[4, rng.int(0, 64)], [2, rng.int(0, 0x1000)], [1, 0x2000], [2, rng.pick([0x7fffffff, 0xffffffff, 0x80000000, 0x7ffff000])], [1, rng.u32()]] as const);
    case 'oflags': return rng.weighted([[5, rng.pick([0, 1, 2, 0x41, 0x241, 0x242, 0xc1, 0x10000, 0x20000, 0x401, 0x80000, 0x800])], [1, rng.u32()]] as const);
    case 'mode': return rng.chance(0.8) ? rng.pick([0o644, 0o755, 0o777, 0, 0o4755]) : rng.u32();
    case 'int': return rng.chance(0.6) ? interesting() : rng.chance(0.5) ? rng.int(-8, 64) : rng.u32();
    case 'iov-in': return rng.chance(0.9) ? rng.pick(L.iovIn) : rng.pick(CHAOS_IN);
    case 'iov-out': return rng.chance(0.9) ? rng.pick(L.iovOut) : rng.pick(CHAOS_IN);
    case 'iovcnt': return rng.weighted([[6, rng.int(0, 16)], [1, rng.pick([-1, 1024, 1025, 0x7fffffff])]] as const);
    case 'addr': return rng.weighted([[3, rng.pick([0, SC_TEXT, SC_IN, SC_OUT, 0x30000000, 0x3f000000, 0x40000000, 0x407ff000])], [2, rng.int(0, 0x40800) * 0x1000], [1, interesting()], [1, rng.u32()]] as const);
    case 'prot': return rng.chance(0.8) ? rng.int(0, 7) : rng.u32();
    case 'mflags': return rng.chance(0.8) ? rng.pick([0x22, 0x32, 0x2, 0x1, 0x3, 0x12, 0x100022, 0x21]) : rng.u32();
    case 'signal': return rng.weighted([[6, rng.int(0, 64)], [1, rng.pick([-1, 65, 0x7fffffff])]] as const);
    case 'pid': return rng.weighted([[3, 1000], [1, 0], [1, -1], [2, rng.int(1, 5000)]] as const);
    case 'clock': return rng.chance(0.8) ? rng.int(0, 11) : rng.u32();
    case 'whence': return rng.chance(0.8) ? rng.int(0, 3) : rng.u32();
    case 'atflags': return rng.chance(0.8) ? rng.pick([0, 0x100, 0x200, 0x1000, 0x800]) : rng.u32();
    case 'sigact': return rng.chance(0.8) ? rng.pick(L.sigacts) : rng.pick(CHAOS_IN);
    case 'sigset': return rng.chance(0.8) ? rng.pick(L.sigsets) : rng.pick(CHAOS_IN);
    // Always O_NONBLOCK: a blocking read of an empty pipe would wait for
    // the time limit (only an fcntl clearing the flag can make one block).
    case 'pipeflags': return 0o4000 | (rng.chance(0.8) ? rng.pick([0, 0o2000000]) : rng.u32());
    case 'remapflags': return rng.chance(0.8) ? rng.int(0, 7) : rng.u32();
    case 'renameflags': return rng.chance(0.8) ? rng.pick([0, 0, 1, 2, 3, 4]) : rng.u32();
    case 'prctl': return rng.chance(0.8) ? rng.pick([15, 16]) : argument(rng, 'int', L);
    case 'who': return rng.chance(0.8) ? rng.int(-2, 2) : rng.u32();
    case 'sigevent': return rng.weighted([[6, rng.pick(L.sigevents)], [2, 0], [1, rng.pick(CHAOS_IN)]] as const);
    case 'siginfo': return rng.chance(0.85) ? rng.pick(L.siginfos) : rng.pick(CHAOS_IN);
    case 'timer': return rng.chance(0.8) ? rng.int(0, 8) : rng.u32();
  }
}

/**
 * A program of `calls` random system calls, repeated `iterations` times,
 * then exit_group(0). Weights favour the file and memory calls.
 */
export function syscallProgram(rng: Rng, calls: number, iterations: number): SyscallProgram {
  const { bytes: inBytes, layout } = buildIn(rng);
  const names = Object.keys(SIGNATURES) as FuzzedCall[];
  const described: string[] = [];
  const words: number[] = [...E.li(LOOP_COUNTER, iterations)];
  const loopStart = words.length * 4;
  for (let c = 0; c < calls; c++) {
    let nr: number;
    let args: number[];
    let label: string;
    if (rng.chance(0.1)) {
      // An unimplemented or out-of-range number, with junk arguments.
      do nr = rng.chance(0.8) ? rng.int(0, 500) : rng.u32() | 0; while ((nr >>> 0) === NR.clock_nanosleep_time64 || nr === NR.futex_time64 || nr === NR.clone || nr === NR.exit || nr === NR.exit_group);
      args = Array.from({ length: 6 }, () => rng.u32() | 0);
      label = `syscall_${nr >>> 0}`;
    } else {
      let name: FuzzedCall;
      do name = rng.pick(names); while ((name === 'exit' || name === 'exit_group') && rng.chance(0.9));
      nr = NR[name];
      const sig = SIGNATURES[name];
      args = Array.from({ length: 6 }, (_, i) => (i < sig.length ? argument(rng, sig[i]!, layout) : rng.u32()) | 0);
      label = name;
    }
    described.push(`${label}(${args.map((a) => '0x' + (a >>> 0).toString(16)).join(', ')})`);
    for (let r = 0; r < 6; r++) words.push(...E.li(10 + r, args[r]!));
    words.push(...E.li(17, nr), E.ECALL);
  }
  const branchAt = words.length * 4 + 4;
  words.push(E.i(-1, LOOP_COUNTER, 0, LOOP_COUNTER, E.OP_IMM));
  words.push(E.b(loopStart - branchAt, 0, LOOP_COUNTER, E.BRANCHES['bne']!));
  words.push(...E.li(10, 0), ...E.li(17, NR.exit_group), E.ECALL);
  const data = new Uint8Array(SC_IN_SIZE + SC_OUT_SIZE);
  data.set(inBytes);
  return {
    elf: writeElf({ textAddr: SC_TEXT, text: assembleWords(words), dataAddr: SC_IN, data }),
    calls: described,
  };
}

/** An strace line with what legitimately differs between two runs (the
 *  clock ticks times() returns) blanked out. */
export const stableStrace = (line: string): string => line.replace(/^(times\(.*\) = )-?\d+$/, '$1<ticks>');

/** A program that makes one given call (args as numbers, a path as a string in the IN half), then exits 0. */
export function oneCall(nr: number, args: ReadonlyArray<number | string>): Uint8Array {
  const data = new Uint8Array(0x1000);
  let at = 0;
  const values = args.map((a) => {
    if (typeof a === 'number') return a;
    const p = SC_IN + at;
    const b = Buffer.from(a + '\0');
    data.set(b, at);
    at += b.length;
    return p;
  });
  const words = [...values.flatMap((v, r) => E.li(10 + r, v)), ...E.li(17, nr), E.ECALL, ...E.li(10, 0), ...E.li(17, NR.exit_group), E.ECALL];
  return writeElf({ textAddr: SC_TEXT, text: assembleWords(words), dataAddr: SC_IN, data });
}
