import { E } from '../syscalls/errno.js';
import type { OpenFile } from './files.js';

interface Slot {
  readonly file: OpenFile;
  cloexec: boolean;
}

/** Guest file descriptors → open file descriptions, with the POSIX rule
 *  that a new descriptor is the lowest free one, and a cap on how many. */
export class FdTable {
  private readonly slots: (Slot | undefined)[] = [];
  private readonly refs = new Map<OpenFile, number>();

  constructor(readonly maxFiles: number) {}

  get(fd: number): OpenFile | undefined {
    return fd >= 0 ? this.slots[fd]?.file : undefined;
  }

  get openCount(): number {
    return this.slots.filter((s) => s !== undefined).length;
  }

  /** Installs `file` at the lowest free fd ≥ minFd; -EMFILE when full. */
  allocate(file: OpenFile, minFd = 0, cloexec = false): number {
    for (let fd = minFd; fd < this.maxFiles; fd++) {
      if (this.slots[fd] === undefined) {
        this.place(fd, file, cloexec);
        return fd;
      }
    }
    return -E.EMFILE;
  }

  /** dup2/dup3: installs at exactly `fd`, closing what was there. */
  replace(fd: number, file: OpenFile, cloexec: boolean): number {
    if (fd < 0 || fd >= this.maxFiles) return -E.EBADF;
    if (this.slots[fd] !== undefined) this.close(fd);
    this.place(fd, file, cloexec);
    return fd;
  }

  setCloexec(fd: number, on: boolean): void {
    const s = this.slots[fd];
    if (s) s.cloexec = on;
  }

  getCloexec(fd: number): boolean {
    return this.slots[fd]?.cloexec ?? false;
  }

  close(fd: number): number {
    const slot = fd >= 0 ? this.slots[fd] : undefined;
    if (!slot) return -E.EBADF;
    this.slots[fd] = undefined;
    const n = (this.refs.get(slot.file) ?? 1) - 1;
    if (n <= 0) {
      this.refs.delete(slot.file);
      slot.file.close();
    } else {
      this.refs.set(slot.file, n);
    }
    return 0;
  }

  closeAll(): void {
    for (let fd = 0; fd < this.slots.length; fd++) if (this.slots[fd]) this.close(fd);
  }

  private place(fd: number, file: OpenFile, cloexec: boolean): void {
    this.slots[fd] = { file, cloexec };
    this.refs.set(file, (this.refs.get(file) ?? 0) + 1);
  }
}
