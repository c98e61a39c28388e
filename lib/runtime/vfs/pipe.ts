import { E } from '../syscalls/errno.js';
import { OpenFile, type IOResult } from './files.js';
import { S_IFIFO, syntheticStat, type StatInfo } from './stat.js';

/** Linux's default pipe capacity. */
export const PIPE_CAPACITY = 64 * 1024;
/** Writes up to this size are atomic: all or (non-blocking) nothing. */
const PIPE_BUF = 4096;
const O_NONBLOCK = 0o4000;

/** Pipes have inode numbers of their own (stdio uses 3..5). */
let nextIno = 0x1000;

/**
 * The buffer between a pipe's ends: a ring of PIPE_CAPACITY bytes
 * (allocated on the first write), the count of open ends of each kind, and
 * the waits to wake when either changes.
 */
class PipeBuffer {
  readonly ino = nextIno++;
  readers = 1;
  writers = 1;
  private ring: Uint8Array | null = null;
  private head = 0;
  private used = 0;
  private waits: Array<() => void> = [];

  get length(): number {
    return this.used;
  }

  get room(): number {
    return PIPE_CAPACITY - this.used;
  }

  take(dst: Uint8Array): number {
    const n = Math.min(dst.length, this.used);
    for (let done = 0; done < n;) {
      const chunk = Math.min(n - done, PIPE_CAPACITY - this.head);
      dst.set(this.ring!.subarray(this.head, this.head + chunk), done);
      this.head = (this.head + chunk) % PIPE_CAPACITY;
      done += chunk;
    }
    this.used -= n;
    if (n > 0) this.changed();
    return n;
  }

  put(src: Uint8Array): number {
    const n = Math.min(src.length, this.room);
    this.ring ??= new Uint8Array(PIPE_CAPACITY);
    for (let done = 0; done < n;) {
      const at = (this.head + this.used) % PIPE_CAPACITY;
      const chunk = Math.min(n - done, PIPE_CAPACITY - at);
      this.ring.set(src.subarray(done, done + chunk), at);
      this.used += chunk;
      done += chunk;
    }
    if (n > 0) this.changed();
    return n;
  }

  /** Settles at the next change (data, room, an end closed) or abort:
   *  false when aborted. */
  wait(signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const onAbort = (): void => {
        this.waits = this.waits.filter((w) => w !== wake);
        resolve(false);
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.waits.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  changed(): void {
    const waits = this.waits;
    this.waits = [];
    for (const w of waits) w();
  }
}

/**
 * One end of a pipe made by pipe2: an open file description, so dup'd
 * descriptors share it and the end closes with its last descriptor (the
 * FdTable counts them). Reads return what is there, 0 at end of file once
 * no write end is open, and wait while the pipe is empty; writes are
 * whole, waiting for room, unless O_NONBLOCK. In a single-threaded guest a
 * wait on its own pipe ends only by a signal (EINTR, or a restart), the
 * run's time limit or an abort.
 */
export class PipeEnd extends OpenFile {
  private closed = false;

  private constructor(
    private readonly pipe: PipeBuffer,
    private readonly readEnd: boolean,
    statusFlags: number,
    private readonly waitSignal: () => AbortSignal | undefined,
  ) {
    super(statusFlags);
  }

  /** A new pipe's [read end, write end]; `nonblock` sets O_NONBLOCK on both. */
  static create(nonblock: boolean, waitSignal: () => AbortSignal | undefined): [PipeEnd, PipeEnd] {
    const pipe = new PipeBuffer();
    const flag = nonblock ? O_NONBLOCK : 0;
    return [new PipeEnd(pipe, true, 0 /* O_RDONLY */ | flag, waitSignal), new PipeEnd(pipe, false, 1 /* O_WRONLY */ | flag, waitSignal)];
  }

  private get nonblocking(): boolean {
    return (this.statusFlags & O_NONBLOCK) !== 0;
  }

  override read(dst: Uint8Array): IOResult {
    if (dst.length === 0) return 0;
    const p = this.pipe;
    if (p.length > 0) return p.take(dst);
    if (p.writers === 0) return 0;
    if (this.nonblocking) return -E.EAGAIN;
    return p.wait(this.waitSignal()).then((woken) => (woken ? this.read(dst) : -E.EINTR));
  }

  override write(src: Uint8Array): IOResult {
    return this.writeFrom(src, 0);
  }

  /** Writes src[done..]; `done` bytes went through in earlier rounds. */
  private writeFrom(src: Uint8Array, done: number): IOResult {
    const p = this.pipe;
    if (src.length === 0) return 0;
    // No reader: EPIPE (the caller raises SIGPIPE), or the bytes so far.
    if (p.readers === 0) return done > 0 ? done : -E.EPIPE;
    // A small write goes in whole or waits; a large one takes what fits.
    if (src.length <= PIPE_BUF ? p.room >= src.length : p.room > 0) done += p.put(src.subarray(done));
    if (done === src.length) return done;
    if (this.nonblocking) return done > 0 ? done : -E.EAGAIN;
    return p.wait(this.waitSignal()).then((woken) => (woken ? this.writeFrom(src, done) : done > 0 ? done : -E.EINTR));
  }

  override stat(): StatInfo {
    return syntheticStat(S_IFIFO | 0o600, this.pipe.ino);
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.readEnd) this.pipe.readers--;
    else this.pipe.writers--;
    this.pipe.changed();
  }
}
