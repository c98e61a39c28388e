import fs from 'node:fs';
import tty from 'node:tty';
import { E, fromHostError } from '../syscalls/errno.js';
import { OpenFile, type IOResult } from './files.js';
import { hostSeek, hostSetNonBlocking } from './host-fd-control.js';
import { fromHostStats, type StatInfo } from './stat.js';

/** How long to wait before retrying a host descriptor that said EAGAIN
 *  (one left in non-blocking mode by whoever shares it): doubling, capped. */
const RETRY_FIRST_MS = 1;
const RETRY_MAX_MS = 50;

/**
 * A host descriptor the guest inherits (the CLI's stdin, stdout and stderr;
 * a number given as `stdin`/`stdout`/`stderr` to the API), used as a Linux
 * process would use it:
 *  - a read takes at most the bytes asked for from the descriptor itself,
 *    so whatever the guest leaves unread is there for the next reader;
 *  - a write returns only once every byte has reached the descriptor, so
 *    stdout and stderr stay in the order the guest wrote them, and a pipe's
 *    reader that is slow only makes the guest wait;
 *  - it reports the descriptor's real type; a regular file seeks and
 *    preads, sharing its offset with the other holders of the descriptor.
 * A pipe or terminal is read and written through a second, non-blocking
 * open file description of the same object (/proc/self/fd/N), polled with
 * a backing-off timer while it would block: the guest waits as on a
 * blocking descriptor, while the run loop goes on (time limits, aborts,
 * host signals), no thread sits in a read that could never end (which
 * would keep the process from exiting: libuv joins its threads at exit),
 * and the host's own description keeps its flags. A socket cannot be
 * reopened: its own description is made non-blocking for the run, and
 * restored when the guest's last reference closes. Guest close() never
 * closes the host's descriptor.
 */
export class HostDescriptor extends OpenFile {
  private readonly seekable: boolean;
  private readonly terminal: boolean;
  /** The non-blocking descriptor per direction: a reopened description,
   *  or the host's own made non-blocking; null: neither could be had. */
  private readonly polled: { read?: number | null; write?: number | null } = {};
  /** The host's description was made non-blocking: restore it at close. */
  private madeNonBlocking = false;
  private closed = false;

  /** `access` (O_RDONLY/O_WRONLY) is what the guest may do when the host
   *  does not say how the descriptor was opened. */
  /** `interrupt` ends a transfer that waits (-EINTR, or the bytes so far). */
  constructor(readonly hostFd: number, access: number, private readonly interrupt: () => AbortSignal | undefined = () => undefined) {
    super(hostAccessFlags(hostFd) ?? access);
    let st: fs.Stats | undefined;
    try {
      st = fs.fstatSync(hostFd);
    } catch {
      st = undefined;
    }
    this.seekable = !!st && (st.isFile() || st.isBlockDevice());
    this.terminal = tty.isatty(hostFd);
  }

  override read(dst: Uint8Array): IOResult {
    if (dst.length === 0) return 0;
    if (this.seekable) return this.sync(() => fs.readSync(this.hostFd, dst, 0, dst.length, null));
    const fd = this.polledFd('read');
    if (fd === null) return onThreadPool((done) => fs.read(this.hostFd, dst, 0, dst.length, null, done));
    return this.untilReady(() => fs.readSync(fd, dst, 0, dst.length, null));
  }

  override write(src: Uint8Array): IOResult {
    if (src.length === 0) return 0;
    const rest = (off: number): [Uint8Array, number, number] => [src, off, src.length - off];
    if (this.seekable) return whole(src.length, (off) => this.sync(() => fs.writeSync(this.hostFd, ...rest(off), null)));
    const fd = this.polledFd('write');
    if (fd === null) return whole(src.length, (off) => onThreadPool((cb) => fs.write(this.hostFd, ...rest(off), null, cb)));
    return whole(src.length, (off) => this.untilReady(() => fs.writeSync(fd, ...rest(off), null)));
  }

  override pread(dst: Uint8Array, pos: number): number {
    if (!this.seekable) return -E.ESPIPE;
    return this.sync(() => fs.readSync(this.hostFd, dst, 0, dst.length, pos));
  }

  override pwrite(src: Uint8Array, pos: number): number {
    if (!this.seekable) return -E.ESPIPE;
    return this.sync(() => fs.writeSync(this.hostFd, src, 0, src.length, pos));
  }

  override seek(offset: number, whence: number): number {
    return this.seekable ? hostSeek(this.hostFd, offset, whence) : -E.ESPIPE;
  }

  override stat(): StatInfo | number {
    return this.sync(() => fs.fstatSync(this.hostFd), fromHostStats);
  }

  override isTerminal(): boolean {
    return this.terminal;
  }

  override fsync(dataOnly: boolean): number {
    if (!this.seekable) return super.fsync(dataOnly);
    return this.sync(() => (dataOnly ? fs.fdatasyncSync(this.hostFd) : fs.fsyncSync(this.hostFd)), () => 0);
  }

  override ftruncate(length: number): number {
    if (!this.seekable || !this.writable) return -E.EINVAL;
    return this.sync(() => fs.ftruncateSync(this.hostFd, length), () => 0);
  }

  /** Ends the polling of a read or write still waiting, and drops the
   *  non-blocking descriptions (never the host's descriptor). */
  override close(): void {
    this.closed = true;
    if (this.madeNonBlocking) hostSetNonBlocking(this.hostFd, false, (this.statusFlags & O_APPEND) !== 0);
    for (const fd of [this.polled.read, this.polled.write]) {
      if (typeof fd === 'number' && fd !== this.hostFd) {
        try {
          fs.closeSync(fd);
        } catch {
          // Ours, and open: closing cannot fail.
        }
      }
    }
  }

  /** The descriptor to read or write a pipe, terminal or socket through
   *  without blocking, or null for none (then the host's, on the thread
   *  pool, where a transfer that never ends keeps the process alive). */
  private polledFd(dir: 'read' | 'write'): number | null {
    let fd = this.polled[dir];
    if (fd === undefined) {
      fd = reopenNonBlocking(this.hostFd, dir);
      if (fd === null && (this.madeNonBlocking || hostSetNonBlocking(this.hostFd, true, (this.statusFlags & O_APPEND) !== 0))) {
        this.madeNonBlocking = true;
        fd = this.hostFd;
      }
      this.polled[dir] = fd;
    }
    return fd;
  }

  /** Runs a non-blocking transfer until it does not say EAGAIN, waiting in
   *  between: bytes, or -errno. */
  private untilReady(op: () => number): IOResult {
    const first = this.attempt(op);
    if (first !== EAGAIN) return first;
    const interrupt = this.interrupt();
    if (interrupt?.aborted) return -E.EINTR;
    return new Promise((resolve) => {
      let delay = RETRY_FIRST_MS;
      let timer: NodeJS.Timeout;
      const finish = (r: number): void => {
        clearTimeout(timer);
        interrupt?.removeEventListener('abort', onInterrupt);
        resolve(r);
      };
      const onInterrupt = (): void => finish(-E.EINTR);
      const retry = (): void => {
        if (this.closed) return finish(-E.EBADF);
        const r = this.attempt(op);
        if (r !== EAGAIN) return finish(r);
        timer = setTimeout(retry, delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      };
      interrupt?.addEventListener('abort', onInterrupt, { once: true });
      timer = setTimeout(retry, delay);
    });
  }

  private attempt(op: () => number): number | typeof EAGAIN {
    try {
      return op();
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EAGAIN' ? EAGAIN : fromHostError(e);
    }
  }

  private sync<T, R = T>(op: () => T, map: (v: T) => R = (v) => v as unknown as R): R | number {
    try {
      return map(op());
    } catch (e) {
      return fromHostError(e);
    }
  }
}

const EAGAIN = Symbol('EAGAIN');
const O_APPEND = 0o2000;

/** Linux's O_ACCMODE and O_APPEND, the status flags a guest sees of an
 *  inherited descriptor (reads and writes block as for a blocking one). */
const SHOWN_FLAGS = 0o2003;

/** The descriptor's access mode and O_APPEND, from /proc/self/fdinfo. */
function hostAccessFlags(fd: number): number | undefined {
  try {
    const m = /^flags:\s*([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    return m ? parseInt(m[1]!, 8) & SHOWN_FLAGS : undefined;
  } catch {
    return undefined;
  }
}

/** A second, non-blocking open file description of the pipe or terminal
 *  behind `fd`, or null where there is none to be had (a socket; a pipe
 *  with no reader left, which the host descriptor then reports as EPIPE). */
function reopenNonBlocking(fd: number, dir: 'read' | 'write'): number | null {
  const C = fs.constants;
  try {
    return fs.openSync(`/proc/self/fd/${fd}`, (dir === 'read' ? C.O_RDONLY : C.O_WRONLY) | C.O_NONBLOCK | C.O_NOCTTY);
  } catch {
    return null;
  }
}

type Done = (err: NodeJS.ErrnoException | null, n: number) => void;

/** A read or write on libuv's thread pool (for descriptors that cannot be
 *  reopened, such as sockets): bytes, or -errno. */
function onThreadPool(op: (done: Done) => void): Promise<number> {
  return new Promise((resolve) => op((err, n) => resolve(err ? fromHostError(err) : n)));
}

/** Repeats `step(offset)` until `total` bytes went through, as write(2)
 *  does on a blocking descriptor: the byte count once all is written, the
 *  bytes that went through when an error cuts it short, or -errno when
 *  none did. */
function whole(total: number, step: (offset: number) => IOResult, done = 0): IOResult {
  while (done < total) {
    const r = step(done);
    if (typeof r !== 'number') return r.then((n) => (n <= 0 ? (done > 0 ? done : n) : whole(total, step, done + n)));
    if (r <= 0) return done > 0 ? done : r;
    done += r;
  }
  return done;
}
