import { createRequire } from 'node:module';
import { E } from '../syscalls/errno.js';

/**
 * lseek(2) and fcntl(F_SETFL) on host descriptors the process inherited,
 * which Node has no calls for. lseek: reading with an explicit position
 * (pread) would leave a redirected file's shared offset where it was, so
 * `{ hyemu run prog; cat; } < file` would see the wrong bytes. F_SETFL:
 * a socket given as stdin cannot be reopened non-blocking, so its own
 * O_NONBLOCK is set for the run (as Node does to its own stdio sockets).
 * Node's WASI layer (uvwasi) makes both calls on the descriptors it is
 * handed: one WASI instance per host descriptor, given as its "stdin",
 * serves fd_seek and fd_fdstat_set_flags.
 */

/** WASI errno → Linux errno, for the few fd_seek can return. */
const WASI_ERRNO: Readonly<Record<number, number>> = { 8: E.EBADF, 28: E.EINVAL, 61: E.EOVERFLOW, 70: E.ESPIPE, 76: E.ENOTSUP };

interface WasiCalls {
  readonly seek: (fd: number, offset: bigint, whence: number, resultPtr: number) => number;
  readonly setFlags: (fd: number, flags: number) => number;
  readonly result: DataView;
}

/** WASI fdflags. */
const FDFLAG_APPEND = 1, FDFLAG_NONBLOCK = 4;

const instances = new Map<number, WasiCalls>();
const require = createRequire(import.meta.url);

/** A module exporting one page of memory: where fd_seek writes its result. */
const MEMORY_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // magic, version
  0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, min 1 page
  0x07, 0x0a, 0x01, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, // export "memory"
]);

function wasiFor(hostFd: number): WasiCalls {
  let s = instances.get(hostFd);
  if (s) return s;
  // node:wasi announces itself with an ExperimentalWarning on stderr, which
  // would land in the guest's stderr: silence that one warning.
  const emit = process.emitWarning;
  process.emitWarning = ((w: string | Error, ...rest: unknown[]) => {
    const text = typeof w === 'string' ? w : w.message;
    if (!/WASI/.test(text)) (emit as (...a: unknown[]) => void).call(process, w, ...rest);
  }) as typeof process.emitWarning;
  try {
    const { WASI } = require('node:wasi') as typeof import('node:wasi');
    const wasi = new WASI({ version: 'preview1', stdin: hostFd, stdout: 1, stderr: 2, returnOnExit: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(MEMORY_MODULE), {});
    wasi.initialize(instance);
    const imports = wasi.wasiImport as unknown as { fd_seek: WasiCalls['seek']; fd_fdstat_set_flags: WasiCalls['setFlags'] };
    const memory = instance.exports['memory'] as WebAssembly.Memory;
    s = { seek: imports.fd_seek, setFlags: imports.fd_fdstat_set_flags, result: new DataView(memory.buffer) };
  } finally {
    process.emitWarning = emit;
  }
  instances.set(hostFd, s);
  return s;
}

/** lseek(hostFd, offset, whence): the new offset, or -errno. */
export function hostSeek(hostFd: number, offset: number, whence: number): number {
  if (whence < 0 || whence > 2) return -E.EINVAL;
  const s = wasiFor(hostFd);
  const rc = s.seek(0, BigInt(offset), whence, 0);
  if (rc !== 0) return -(WASI_ERRNO[rc] ?? E.EINVAL);
  const pos = s.result.getBigUint64(0, true);
  return pos > BigInt(Number.MAX_SAFE_INTEGER) ? -E.EOVERFLOW : Number(pos);
}

/** fcntl(hostFd, F_SETFL): O_NONBLOCK on or off, O_APPEND as given (the
 *  only status flags a pipe or socket keeps). False if it failed. */
export function hostSetNonBlocking(hostFd: number, nonBlocking: boolean, append: boolean): boolean {
  try {
    return wasiFor(hostFd).setFlags(0, (nonBlocking ? FDFLAG_NONBLOCK : 0) | (append ? FDFLAG_APPEND : 0)) === 0;
  } catch {
    return false;
  }
}
