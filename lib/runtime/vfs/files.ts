import fs from 'node:fs';
import { E, fromHostError } from '../syscalls/errno.js';
import { hostBytes } from './mounts.js';
import { fromHostStats, S_IFCHR, S_IFDIR, S_IFIFO, S_IFMT, S_IFREG, syntheticStat, type StatInfo } from './stat.js';
import type { ByteSink, ByteSource } from './streams.js';

/** A system call result: bytes or -errno, possibly after waiting on I/O. */
export type IOResult = number | Promise<number>;

export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

export interface DirEntry {
  /** One character per byte (latin1). */
  readonly name: string;
  readonly ino: bigint;
  /** DT_* type. */
  readonly type: number;
}

export const DT = { UNKNOWN: 0, FIFO: 1, CHR: 2, DIR: 4, REG: 8, LNK: 10, SOCK: 12 } as const;

/**
 * An open file description (what a guest fd refers to). Operations a kind
 * of file does not support return the errno Linux gives.
 */
export abstract class OpenFile {
  /** Linux status flags (access mode, O_APPEND, O_NONBLOCK). */
  statusFlags: number;
  /** For directories: the guest path, for *at() system calls. */
  readonly guestPath: string | null = null;

  constructor(statusFlags: number) {
    this.statusFlags = statusFlags;
  }

  get readable(): boolean {
    return (this.statusFlags & 3) !== 1;
  }

  get writable(): boolean {
    return (this.statusFlags & 3) !== 0;
  }

  read(_dst: Uint8Array): IOResult { return -E.EINVAL; }
  write(_src: Uint8Array): IOResult { return -E.EINVAL; }
  pread(_dst: Uint8Array, _pos: number): number { return -E.ESPIPE; }
  pwrite(_src: Uint8Array, _pos: number): number { return -E.ESPIPE; }
  seek(_offset: number, _whence: number): number { return -E.ESPIPE; }
  abstract stat(): StatInfo | number;
  readDirectory(): DirEntry[] | number { return -E.ENOTDIR; }
  /** Position in a directory listing, for getdents64. */
  dirCursor = 0;
  isTerminal(): boolean { return false; }
  close(): void {}
  /** fsync/fdatasync: files and directories have nothing to flush here;
   *  pipes, terminals and other streams cannot sync (Linux: EINVAL). */
  fsync(_dataOnly: boolean): number {
    const st = this.stat();
    if (typeof st === 'number') return st;
    return (st.mode & S_IFMT) === S_IFDIR || (st.mode & S_IFMT) === S_IFREG ? 0 : -E.EINVAL;
  }
  /** ftruncate: only a regular file open for writing (Linux: EINVAL). */
  ftruncate(_length: number): number { return -E.EINVAL; }
}

/** A regular host file opened through a mount. */
export class HostFile extends OpenFile {
  private position = 0;

  constructor(private readonly fd: number, statusFlags: number) {
    super(statusFlags);
  }

  override read(dst: Uint8Array): number {
    const n = this.pread(dst, this.position);
    if (n > 0) this.position += n;
    return n;
  }

  override write(src: Uint8Array): number {
    if (this.statusFlags & 0o2000 /* O_APPEND */) {
      const size = this.stat();
      if (typeof size === 'number') return size;
      this.position = Number(size.size);
    }
    const n = this.pwrite(src, this.position);
    if (n > 0) this.position += n;
    return n;
  }

  override pread(dst: Uint8Array, pos: number): number {
    try {
      return fs.readSync(this.fd, dst, 0, dst.length, pos);
    } catch (e) {
      return fromHostError(e);
    }
  }

  override pwrite(src: Uint8Array, pos: number): number {
    try {
      return fs.writeSync(this.fd, src, 0, src.length, pos);
    } catch (e) {
      return fromHostError(e);
    }
  }

  override seek(offset: number, whence: number): number {
    let base: number;
    if (whence === SEEK_SET) base = 0;
    else if (whence === SEEK_CUR) base = this.position;
    else if (whence === SEEK_END) {
      const st = this.stat();
      if (typeof st === 'number') return st;
      base = Number(st.size);
    } else return -E.EINVAL;
    const next = base + offset;
    if (next < 0 || !Number.isSafeInteger(next)) return -E.EINVAL;
    this.position = next;
    return next;
  }

  override stat(): StatInfo | number {
    try {
      return fromHostStats(fs.fstatSync(this.fd));
    } catch (e) {
      return fromHostError(e);
    }
  }

  override fsync(dataOnly: boolean): number {
    try {
      if (dataOnly) fs.fdatasyncSync(this.fd);
      else fs.fsyncSync(this.fd);
      return 0;
    } catch (e) {
      return fromHostError(e);
    }
  }

  override ftruncate(length: number): number {
    if (!this.writable) return -E.EINVAL;
    try {
      fs.ftruncateSync(this.fd, length);
      return 0;
    } catch (e) {
      return fromHostError(e);
    }
  }

  override close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closing can only fail for a bad fd, which we never hold.
    }
  }
}

/** A host directory opened through a mount (for getdents64 and *at).
 *  Paths and entry names are one character per byte (latin1). */
export class HostDirectory extends OpenFile {
  private entries: DirEntry[] | null = null;

  constructor(private readonly hostPath: string, override readonly guestPath: string, statusFlags: number) {
    super(statusFlags);
  }

  override read(): number { return -E.EISDIR; }
  override write(): number { return -E.EISDIR; }

  override stat(): StatInfo | number {
    try {
      return fromHostStats(fs.statSync(hostBytes(this.hostPath)));
    } catch (e) {
      return fromHostError(e);
    }
  }

  /** Seeking back to 0 (rewinddir) reads the directory afresh. */
  override seek(offset: number, whence: number): number {
    if (whence !== SEEK_SET || offset < 0) return -E.EINVAL;
    if (offset === 0) this.entries = null;
    this.dirCursor = offset;
    return offset;
  }

  override readDirectory(): DirEntry[] | number {
    if (this.entries) return this.entries;
    try {
      const list = fs.readdirSync(hostBytes(this.hostPath), { encoding: 'buffer', withFileTypes: true });
      const typeOf = (d: fs.Dirent<Buffer>): number =>
        d.isDirectory() ? DT.DIR : d.isFile() ? DT.REG : d.isSymbolicLink() ? DT.LNK : d.isFIFO() ? DT.FIFO : DT.UNKNOWN;
      const self = fs.statSync(hostBytes(this.hostPath), { bigint: true }).ino;
      this.entries = [
        { name: '.', ino: self, type: DT.DIR },
        { name: '..', ino: self, type: DT.DIR },
        ...list.map((d, i) => ({ name: d.name.toString('latin1'), ino: BigInt(i + 1000), type: typeOf(d) })),
      ];
      return this.entries;
    } catch (e) {
      return fromHostError(e);
    }
  }
}

/** A directory that exists only as the parent of mount points. */
export class VirtualDirectory extends OpenFile {
  constructor(override readonly guestPath: string, private readonly children: readonly string[]) {
    super(0);
  }

  override read(): number { return -E.EISDIR; }
  override stat(): StatInfo { return syntheticStat(S_IFDIR | 0o555, 1); }
  override seek(offset: number, whence: number): number {
    if (whence !== SEEK_SET || offset < 0) return -E.EINVAL;
    this.dirCursor = offset;
    return offset;
  }
  override readDirectory(): DirEntry[] {
    return [
      { name: '.', ino: 1n, type: DT.DIR },
      { name: '..', ino: 1n, type: DT.DIR },
      ...this.children.map((name, i) => ({ name, ino: BigInt(i + 2), type: DT.DIR })),
    ];
  }
}

/** Guest stdin: a byte source (a Node stream or a buffer); `interrupt`
 *  ends a read that waits (a signal, or the run stopping). */
export class InputFile extends OpenFile {
  constructor(private readonly source: ByteSource, private readonly interrupt: () => AbortSignal | undefined = () => undefined) {
    super(0);
  }

  override read(dst: Uint8Array): IOResult {
    return this.source.read(dst, this.interrupt());
  }

  override stat(): StatInfo {
    return syntheticStat((this.source.isTTY ? S_IFCHR : S_IFIFO) | 0o600, 3);
  }

  override isTerminal(): boolean {
    return this.source.isTTY;
  }
}

/** Guest stdout or stderr: a byte sink. */
export class OutputFile extends OpenFile {
  constructor(readonly sink: ByteSink, ino: number) {
    super(1);
    this.ino = ino;
  }

  private readonly ino: number;

  override write(src: Uint8Array): IOResult {
    return this.sink.write(src);
  }

  override stat(): StatInfo {
    return syntheticStat((this.sink.isTTY ? S_IFCHR : S_IFIFO) | 0o600, this.ino);
  }

  override isTerminal(): boolean {
    return this.sink.isTTY;
  }
}
