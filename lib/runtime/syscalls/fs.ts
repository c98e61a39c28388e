import fs from 'node:fs';
import type { Kernel } from '../kernel.js';
import { HostDirectory, HostFile, VirtualDirectory, type OpenFile } from '../vfs/files.js';
import { hostBytes, PATH_MAX, pathTail, type ResolveMode, type Resolved } from '../vfs/mounts.js';
import { encodeStat64, encodeStatx, fromHostStats, type StatInfo } from '../vfs/stat.js';
import { SI, SIGNALS } from '../signals.js';
import { E, fromHostError } from './errno.js';
import { then, type SyscallGroup, type SyscallResult } from './types.js';

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const AT_EMPTY_PATH = 0x1000;

/** Linux open flags (asm-generic, as on RISC-V). */
const O = {
  ACCMODE: 3, RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000,
  APPEND: 0o2000, NONBLOCK: 0o4000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000, CLOEXEC: 0o2000000,
} as const;

const F = { DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, DUPFD_CLOEXEC: 1030 } as const;
const FD_CLOEXEC = 1;
const TCGETS = 0x5401;
const TIOCGWINSZ = 0x5413;
const MAX_IOV = 1024;
const MAX_RW = 0x7ffff000;

/** The path string at `pathPtr` (latin1), or -errno: ENAMETOOLONG when
 *  PATH_MAX readable bytes hold no NUL, as Linux's getname(). */
function readPath(k: Kernel, pathPtr: number): string | number {
  const p = k.space.readCString(pathPtr, PATH_MAX);
  if (p !== undefined) return p;
  return k.space.readView(pathPtr, PATH_MAX) ? -E.ENAMETOOLONG : -E.EFAULT;
}

/** The guest path `pathPtr` names, relative to `dirfd`, or -errno. */
function guestPath(k: Kernel, dirfd: number, pathPtr: number, allowEmpty = false): string | number {
  const p = readPath(k, pathPtr);
  if (typeof p === 'number') return p;
  if (p === '' && !allowEmpty) return -E.ENOENT;
  if (p.startsWith('/')) return p;
  let base: string;
  if (dirfd === AT_FDCWD) base = k.cwd;
  else {
    const dir = k.fds.get(dirfd);
    if (!dir) return -E.EBADF;
    if (dir.guestPath === null) return -E.ENOTDIR;
    base = dir.guestPath;
  }
  // Not normalised: `..` must apply after the links before it are followed.
  return base + '/' + p;
}

function resolveAt(k: Kernel, dirfd: number, pathPtr: number, mode: ResolveMode = 'follow'): Resolved {
  const p = guestPath(k, dirfd, pathPtr);
  return typeof p === 'number' ? { kind: 'error', errno: p } : k.ns.resolve(p, mode);
}

function openAt(k: Kernel, dirfd: number, pathPtr: number, flags: number, mode: number): number {
  const access = flags & O.ACCMODE;
  if (access === 3) return -E.EINVAL;
  const p = guestPath(k, dirfd, pathPtr);
  if (typeof p === 'number') return p;
  const creating = (flags & O.CREAT) !== 0;
  const exclusive = creating && (flags & O.EXCL) !== 0;
  const writes = access !== O.RDONLY || (flags & (O.CREAT | O.TRUNC)) !== 0;
  // O_CREAT cannot make "name/": EISDIR, once the path up to the name resolves.
  const tail = pathTail(p);
  if (creating && tail.slash) {
    const parent = k.ns.resolve(tail.path, 'nofollow');
    return parent.kind === 'error' ? parent.errno : -E.EISDIR;
  }
  // O_EXCL, like O_NOFOLLOW, never follows a link as the last component.
  const r = k.ns.resolve(p, exclusive || flags & O.NOFOLLOW ? 'nofollow' : creating ? 'create' : 'follow');
  if (r.kind === 'error') return r.errno;
  const cloexec = (flags & O.CLOEXEC) !== 0;
  if (r.kind === 'virtual') {
    if (exclusive) return -E.EEXIST;
    if (writes) return access !== O.RDONLY || creating ? -E.EISDIR : -E.EROFS;
    return k.fds.allocate(new VirtualDirectory(r.guestPath, r.children), 0, cloexec);
  }
  let existing: fs.Stats | undefined;
  try {
    existing = fs.lstatSync(hostBytes(r.hostPath), { throwIfNoEntry: false });
  } catch (e) {
    return fromHostError(e);
  }
  if (existing && exclusive) return -E.EEXIST;
  // Only a 'nofollow' resolution ends at a link: opening it is ELOOP, never
  // following it, not even to a place inside the mount.
  if (existing?.isSymbolicLink()) return -E.ELOOP;
  // Directories: EISDIR for writing or O_CREAT, before EROFS (as Linux).
  if (existing?.isDirectory()) {
    if (access !== O.RDONLY || creating) return -E.EISDIR;
    return k.fds.allocate(new HostDirectory(r.hostPath, r.guestPath, flags & O.ACCMODE), 0, cloexec);
  }
  if (r.readOnly && (writes && (existing === undefined || access !== O.RDONLY || flags & O.TRUNC))) return -E.EROFS;
  if (flags & O.DIRECTORY) return existing ? -E.ENOTDIR : -E.ENOENT;
  // Only regular files: opening a FIFO or device could block or reach hardware.
  if (existing && !existing.isFile()) return -E.EACCES;
  if (k.fds.openCount >= k.fds.maxFiles) return -E.EMFILE;
  const C = fs.constants;
  // O_NOFOLLOW always: the resolved host path is never a link, and must not
  // have become one since.
  const hostFlags = (access === O.WRONLY ? C.O_WRONLY : access === O.RDWR ? C.O_RDWR : C.O_RDONLY) |
    (flags & O.CREAT ? C.O_CREAT : 0) | (flags & O.EXCL ? C.O_EXCL : 0) | (flags & O.TRUNC ? C.O_TRUNC : 0) | C.O_NOFOLLOW;
  let hostFd: number;
  try {
    hostFd = fs.openSync(hostBytes(r.hostPath), hostFlags, mode & 0o7777 & ~k.umask);
  } catch (e) {
    return fromHostError(e);
  }
  return k.fds.allocate(new HostFile(hostFd, flags & (O.ACCMODE | O.APPEND | O.NONBLOCK)), 0, cloexec);
}

function readableFile(k: Kernel, fd: number): OpenFile | number {
  const f = k.fds.get(fd);
  if (!f) return -E.EBADF;
  return f.readable ? f : -E.EBADF;
}

function writableFile(k: Kernel, fd: number): OpenFile | number {
  const f = k.fds.get(fd);
  if (!f) return -E.EBADF;
  return f.writable ? f : -E.EBADF;
}

/** A failed write to a closed pipe sends the thread SIGPIPE (fatal by
 *  default; handled, blocked or ignored, the write returns EPIPE). */
function afterWrite(k: Kernel, r: SyscallResult): SyscallResult {
  return then(r, (n) => {
    if (n === -E.EPIPE) k.signals.send({ signo: SIGNALS.SIGPIPE, code: SI.USER, pid: k.pid, reason: 'write to a closed pipe' }, k.current);
    return n;
  });
}

/** Runs `io` on each buffer in turn, adding up the bytes, until one
 *  transfers less than its length (or fails: then the error, unless some
 *  bytes already went through). Nothing is copied into host memory. */
function eachBuffer(buffers: readonly Uint8Array[], io: (b: Uint8Array) => SyscallResult): SyscallResult {
  const step = (i: number, done: number): SyscallResult => {
    if (i >= buffers.length) return done;
    const b = buffers[i]!;
    if (b.length === 0) return step(i + 1, done);
    return then(io(b), (n) => {
      if (n < 0) return done > 0 ? done : n;
      return n < b.length ? done + n : step(i + 1, done + n);
    });
  };
  return step(0, 0);
}

/** Reads an iovec array: [base, len] pairs; -errno on a bad array. As on
 *  Linux, a length that is negative as a ssize_t is EINVAL, and the total
 *  is cut to MAX_RW. */
function readIovecs(k: Kernel, iov: number, count: number): Array<[number, number]> | number {
  if (count < 0 || count > MAX_IOV) return -E.EINVAL;
  const raw = k.space.readView(iov, count * 8);
  if (!raw) return -E.EFAULT;
  const v = new DataView(raw.slice().buffer);
  const out: Array<[number, number]> = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const len = v.getUint32(i * 8 + 4, true);
    if (len > 0x7fffffff) return -E.EINVAL;
    const take = Math.min(len, MAX_RW - total);
    total += take;
    out.push([v.getUint32(i * 8, true), take]);
  }
  return out;
}

/** The guest buffers of an iovec array up to the first one `view` cannot
 *  reach: the transfer stops there with a partial count, as Linux's copy
 *  stops at a fault; EFAULT if that is the first buffer with bytes. */
function iovecBuffers(vecs: ReadonlyArray<[number, number]>, view: (base: number, len: number) => Uint8Array | undefined): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  for (const [base, len] of vecs) {
    const b = view(base, len);
    if (!b) return out.some((x) => x.length > 0) ? out : -E.EFAULT;
    out.push(b);
  }
  return out;
}

function statOf(k: Kernel, dirfd: number, pathPtr: number, flags: number): StatInfo | number {
  if (flags & AT_EMPTY_PATH && k.space.readCString(pathPtr, 1) === '') {
    if (dirfd === AT_FDCWD) return statOfResolved(k.ns.resolve(k.cwd));
    const f = k.fds.get(dirfd);
    return f ? f.stat() : -E.EBADF;
  }
  return statOfResolved(resolveAt(k, dirfd, pathPtr, flags & AT_SYMLINK_NOFOLLOW ? 'nofollow' : 'follow'));
}

function statOfResolved(r: Resolved): StatInfo | number {
  if (r.kind === 'error') return r.errno;
  if (r.kind === 'virtual') return new VirtualDirectory(r.guestPath, r.children).stat();
  try {
    return fromHostStats(fs.lstatSync(hostBytes(r.hostPath)));
  } catch (e) {
    return fromHostError(e);
  }
}

function writeOut(k: Kernel, addr: number, bytes: Uint8Array): number {
  return k.space.write(addr, bytes) ? 0 : -E.EFAULT;
}

function getdents(k: Kernel, fd: number, dirp: number, count: number): number {
  const f = k.fds.get(fd);
  if (!f) return -E.EBADF;
  const entries = f.readDirectory();
  if (typeof entries === 'number') return entries;
  const out = new Uint8Array(Math.min(count >>> 0, 1 << 20));
  const v = new DataView(out.buffer);
  let used = 0;
  while (f.dirCursor < entries.length) {
    const e = entries[f.dirCursor]!;
    const name = Buffer.from(e.name, 'latin1');
    const reclen = (19 + name.length + 1 + 7) & ~7;
    if (used + reclen > out.length) {
      if (used === 0) return -E.EINVAL;
      break;
    }
    v.setBigUint64(used, e.ino, true);
    v.setBigInt64(used + 8, BigInt(f.dirCursor + 1), true);
    v.setUint16(used + 16, reclen, true);
    out[used + 18] = e.type;
    out.set(name, used + 19);
    used += reclen;
    f.dirCursor++;
  }
  return k.space.write(dirp, out.subarray(0, used)) ? used : -E.EFAULT;
}

function hostPathForChange(k: Kernel, dirfd: number, pathPtr: number, mode: ResolveMode): string | number {
  return writableHost(resolveAt(k, dirfd, pathPtr, mode));
}

/** The host path (latin1) of a name the guest may change, or -errno. */
function writableHost(r: Resolved): string | number {
  if (r.kind === 'error') return r.errno;
  if (r.kind === 'virtual') return -E.EROFS;
  if (r.readOnly) return -E.EROFS;
  // A mount point cannot be removed (or created over), as on Linux.
  if (r.mountRoot) return -E.EBUSY;
  return r.hostPath;
}

function hostCall(f: () => void): number {
  try {
    f();
    return 0;
  } catch (e) {
    return fromHostError(e);
  }
}

/** The resolution's error, or `otherwise` when the path resolved. */
const failedOr = (r: Resolved, otherwise: number): number => (r.kind === 'error' ? r.errno : otherwise);

function existsOnHost(hostPath: string): boolean {
  try {
    return fs.lstatSync(hostBytes(hostPath), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** unlink of "name/" (Linux): ENOENT if nothing is there, EISDIR for a
 *  directory, ENOTDIR for anything else (a link too: it is not followed). */
function slashedUnlink(hostPath: string): number {
  try {
    const st = fs.lstatSync(hostBytes(hostPath), { throwIfNoEntry: false });
    return !st ? -E.ENOENT : st.isDirectory() ? -E.EISDIR : -E.ENOTDIR;
  } catch (e) {
    return fromHostError(e);
  }
}

/** A terminal's struct termios: a plausible cooked-mode setting. */
function termios(): Uint8Array {
  const out = new Uint8Array(60);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0o2400, true); // ICRNL | IXON
  v.setUint32(4, 0o5, true); // OPOST | ONLCR
  v.setUint32(8, 0o277, true); // B38400 | CS8 | CREAD
  v.setUint32(12, 0o105073, true); // ISIG | ICANON | ECHO...
  return out;
}

export const FILE_SYSCALLS: SyscallGroup = {
  openat: { args: ['dirfd', 'path', 'hex', 'oct'], run: (k, [d, p, f, m]) => openAt(k, d!, p!, f!, m!) },
  close: { args: ['fd'], run: (k, [fd]) => k.fds.close(fd!) },
  read: {
    restartable: true,
    args: ['fd', 'ptr', 'uint'],
    run: (k, [fd, buf, count]) => {
      const f = readableFile(k, fd!);
      if (typeof f === 'number') return f;
      const dst = k.space.writeView(buf!, Math.min(count! >>> 0, MAX_RW));
      return dst ? f.read(dst) : -E.EFAULT;
    },
  },
  write: {
    restartable: true,
    args: ['fd', 'ptr', 'uint'],
    run: (k, [fd, buf, count]) => {
      const f = writableFile(k, fd!);
      if (typeof f === 'number') return f;
      const src = k.space.readView(buf!, Math.min(count! >>> 0, MAX_RW));
      return src ? afterWrite(k, f.write(src)) : -E.EFAULT;
    },
  },
  readv: {
    restartable: true,
    args: ['fd', 'ptr', 'int'],
    run: (k, [fd, iov, cnt]) => {
      const f = readableFile(k, fd!);
      if (typeof f === 'number') return f;
      const vecs = readIovecs(k, iov!, cnt!);
      if (typeof vecs === 'number') return vecs;
      const views = iovecBuffers(vecs, (base, len) => k.space.writeView(base, len));
      if (typeof views === 'number') return views;
      // Buffer by buffer, straight into guest memory, until one comes back
      // short (a readv returns what the file has, as Linux does).
      return eachBuffer(views, (view) => f.read(view));
    },
  },
  writev: {
    restartable: true,
    args: ['fd', 'ptr', 'int'],
    run: (k, [fd, iov, cnt]) => {
      const f = writableFile(k, fd!);
      if (typeof f === 'number') return f;
      const vecs = readIovecs(k, iov!, cnt!);
      if (typeof vecs === 'number') return vecs;
      const parts = iovecBuffers(vecs, (base, len) => k.space.readView(base, len));
      if (typeof parts === 'number') return parts;
      return afterWrite(k, eachBuffer(parts, (part) => f.write(part)));
    },
  },
  pread64: {
    args: ['fd', 'ptr', 'uint', 'uint', 'uint'],
    run: (k, [fd, buf, count, lo, hi]) => {
      const f = readableFile(k, fd!);
      if (typeof f === 'number') return f;
      const pos = (hi! >>> 0) * 2 ** 32 + (lo! >>> 0);
      if (hi! < 0) return -E.EINVAL;
      const dst = k.space.writeView(buf!, Math.min(count! >>> 0, MAX_RW));
      return dst ? f.pread(dst, pos) : -E.EFAULT;
    },
  },
  pwrite64: {
    args: ['fd', 'ptr', 'uint', 'uint', 'uint'],
    run: (k, [fd, buf, count, lo, hi]) => {
      const f = writableFile(k, fd!);
      if (typeof f === 'number') return f;
      if (hi! < 0) return -E.EINVAL;
      const src = k.space.readView(buf!, Math.min(count! >>> 0, MAX_RW));
      return src ? f.pwrite(src, (hi! >>> 0) * 2 ** 32 + (lo! >>> 0)) : -E.EFAULT;
    },
  },
  llseek: {
    args: ['fd', 'int', 'uint', 'ptr', 'int'],
    run: (k, [fd, hi, lo, result, whence]) => {
      const f = k.fds.get(fd!);
      if (!f) return -E.EBADF;
      const pos = f.seek(hi! * 2 ** 32 + (lo! >>> 0), whence!);
      if (pos < 0) return pos;
      return k.space.writeU64(result!, pos) ? 0 : -E.EFAULT;
    },
  },
  getcwd: {
    args: ['ptr', 'uint'],
    run: (k, [buf, size]) => {
      const bytes = Buffer.from(k.cwd + '\0', 'latin1');
      if ((size! >>> 0) < bytes.length) return -E.ERANGE;
      return k.space.write(buf!, bytes) ? bytes.length : -E.EFAULT;
    },
  },
  chdir: {
    args: ['path'],
    run: (k, [p]) => {
      const r = resolveAt(k, AT_FDCWD, p!);
      if (r.kind === 'error') return r.errno;
      const st = statOfResolved(r);
      if (typeof st === 'number') return st;
      if ((st.mode & 0o170000) !== 0o040000) return -E.ENOTDIR;
      // Where the links led, as Linux's getcwd reports it.
      k.cwd = r.guestPath;
      return 0;
    },
  },
  fstat: {
    args: ['fd', 'ptr'],
    run: (k, [fd, buf]) => {
      const f = k.fds.get(fd!);
      if (!f) return -E.EBADF;
      const st = f.stat();
      return typeof st === 'number' ? st : writeOut(k, buf!, encodeStat64(st));
    },
  },
  newfstatat: {
    args: ['dirfd', 'path', 'ptr', 'hex'],
    run: (k, [d, p, buf, flags]) => {
      const st = statOf(k, d!, p!, flags!);
      return typeof st === 'number' ? st : writeOut(k, buf!, encodeStat64(st));
    },
  },
  statx: {
    args: ['dirfd', 'path', 'hex', 'hex', 'ptr'],
    run: (k, [d, p, flags, , buf]) => {
      const st = statOf(k, d!, p!, flags!);
      return typeof st === 'number' ? st : writeOut(k, buf!, encodeStatx(st));
    },
  },
  faccessat: {
    args: ['dirfd', 'path', 'oct'],
    run: (k, [d, p, mode]) => {
      const r = resolveAt(k, d!, p!);
      if (r.kind === 'error') return r.errno;
      if (mode! & 2 /* W_OK */ && (r.kind === 'virtual' || r.readOnly)) return -E.EROFS;
      return r.kind === 'virtual' ? 0 : hostCall(() => fs.accessSync(hostBytes(r.hostPath), mode! & 7));
    },
  },
  getdents64: { args: ['fd', 'ptr', 'uint'], run: (k, [fd, dirp, count]) => getdents(k, fd!, dirp!, count!) },
  mkdirat: {
    args: ['dirfd', 'path', 'oct'],
    run: (k, [d, p, mode]) => {
      const path = guestPath(k, d!, p!);
      if (typeof path === 'number') return path;
      const tail = pathTail(path);
      // ".", ".." and "/" exist once the path to them resolves.
      if (tail.last !== 'name') return failedOr(k.ns.resolve(path), -E.EEXIST);
      // Trailing slashes are allowed; the name is never followed, and
      // anything there (a dangling link too) is EEXIST, even before EROFS.
      const r = k.ns.resolve(tail.path, 'nofollow');
      if (r.kind === 'virtual' || (r.kind === 'host' && (r.mountRoot || existsOnHost(r.hostPath)))) return -E.EEXIST;
      const host = writableHost(r);
      return typeof host === 'number' ? host : hostCall(() => fs.mkdirSync(hostBytes(host), mode! & 0o7777 & ~k.umask));
    },
  },
  unlinkat: {
    args: ['dirfd', 'path', 'hex'],
    run: (k, [d, p, flags]) => {
      const path = guestPath(k, d!, p!);
      if (typeof path === 'number') return path;
      const rmdir = (flags! & AT_REMOVEDIR) !== 0;
      const tail = pathTail(path);
      if (tail.last !== 'name') {
        const refused = !rmdir ? E.EISDIR : tail.last === '.' ? E.EINVAL : tail.last === '..' ? E.ENOTEMPTY : E.EBUSY;
        return failedOr(k.ns.resolve(path), -refused);
      }
      const host = writableHost(k.ns.resolve(tail.path, 'nofollow'));
      if (typeof host === 'number') return host;
      if (rmdir) return hostCall(() => fs.rmdirSync(hostBytes(host)));
      // unlink("name/") removes nothing: it says what the name is instead.
      if (tail.slash) return slashedUnlink(host);
      return hostCall(() => fs.unlinkSync(hostBytes(host)));
    },
  },
  readlinkat: {
    args: ['dirfd', 'path', 'ptr', 'uint'],
    run: (k, [d, p, buf, size]) => {
      const r = resolveAt(k, d!, p!, 'nofollow');
      if (r.kind === 'error') return r.errno;
      if (r.kind === 'virtual') return -E.EINVAL;
      let target: Buffer;
      try {
        target = fs.readlinkSync(hostBytes(r.hostPath), { encoding: 'buffer' });
      } catch (e) {
        return fromHostError(e);
      }
      const n = Math.min(target.length, size! >>> 0);
      return k.space.write(buf!, target.subarray(0, n)) ? n : -E.EFAULT;
    },
  },
  ioctl: {
    args: ['fd', 'hex', 'ptr'],
    run: (k, [fd, req, arg]) => {
      const f = k.fds.get(fd!);
      if (!f) return -E.EBADF;
      if (!f.isTerminal()) return -E.ENOTTY;
      if (req === TCGETS) return writeOut(k, arg!, termios());
      if (req === TIOCGWINSZ) return writeOut(k, arg!, new Uint8Array([24, 0, 80, 0, 0, 0, 0, 0]));
      return -E.EINVAL;
    },
  },
  fcntl64: {
    args: ['fd', 'int', 'hex'],
    run: (k, [fd, cmd, arg]) => {
      const f = k.fds.get(fd!);
      if (!f) return -E.EBADF;
      switch (cmd) {
        case F.DUPFD: case F.DUPFD_CLOEXEC:
          return arg! < 0 ? -E.EINVAL : k.fds.allocate(f, arg!, cmd === F.DUPFD_CLOEXEC);
        case F.GETFD: return k.fds.getCloexec(fd!) ? FD_CLOEXEC : 0;
        case F.SETFD: k.fds.setCloexec(fd!, (arg! & FD_CLOEXEC) !== 0); return 0;
        case F.GETFL: return f.statusFlags;
        case F.SETFL: f.statusFlags = (f.statusFlags & O.ACCMODE) | (arg! & (O.APPEND | O.NONBLOCK)); return 0;
        default: return -E.EINVAL;
      }
    },
  },
  dup: {
    args: ['fd'],
    run: (k, [fd]) => {
      const f = k.fds.get(fd!);
      return f ? k.fds.allocate(f) : -E.EBADF;
    },
  },
  dup3: {
    args: ['fd', 'fd', 'hex'],
    run: (k, [oldfd, newfd, flags]) => {
      const f = k.fds.get(oldfd!);
      if (!f) return -E.EBADF;
      if (oldfd === newfd || (flags! & ~O.CLOEXEC) !== 0) return -E.EINVAL;
      return k.fds.replace(newfd!, f, (flags! & O.CLOEXEC) !== 0);
    },
  },
  renameat2: {
    args: ['dirfd', 'path', 'dirfd', 'path', 'hex'],
    run: (k, [od, op, nd, np, flags]) => {
      if (flags! & ~(RENAME.NOREPLACE | RENAME.EXCHANGE | RENAME.WHITEOUT)) return -E.EINVAL;
      if (flags! & RENAME.EXCHANGE && flags! & (RENAME.NOREPLACE | RENAME.WHITEOUT)) return -E.EINVAL;
      // Neither name is followed: rename replaces a link, not its target.
      const from = hostPathForChange(k, od!, op!, 'nofollow');
      if (typeof from === 'number') return from;
      const to = hostPathForChange(k, nd!, np!, 'nofollow');
      if (typeof to === 'number') return to;
      // Node has no renameat2: exchanging and whiteouts are what a file
      // system without them answers (EINVAL); NOREPLACE checks first.
      if (flags! & (RENAME.EXCHANGE | RENAME.WHITEOUT)) return -E.EINVAL;
      return renameHost(from, to, (flags! & RENAME.NOREPLACE) !== 0);
    },
  },
};

const RENAME = { NOREPLACE: 1, EXCHANGE: 2, WHITEOUT: 4 } as const;

/** rename(2) on host paths; `noReplace`: EEXIST rather than replace (a
 *  missing source is still ENOENT first, as on Linux). */
function renameHost(from: string, to: string, noReplace: boolean): number {
  try {
    fs.lstatSync(hostBytes(from));
    if (noReplace && fs.lstatSync(hostBytes(to), { throwIfNoEntry: false })) return -E.EEXIST;
    fs.renameSync(hostBytes(from), hostBytes(to));
    return 0;
  } catch (e) {
    return fromHostError(e);
  }
}
