import fs from 'node:fs';
import path from 'node:path';
import { HyemuError, OptionError } from '../../errors.js';
import { E, fromHostError } from '../syscalls/errno.js';

/**
 * The guest's file namespace, WASI-style: nothing of the host is visible
 * except directories the user mounts. Guest paths are resolved lexically
 * (`..` cannot go above `/`), mapped to a mount, and the host path is then
 * checked with realpath so that symbolic links cannot lead out of it.
 */

export interface MountSpec {
  /** Host directory. */
  readonly host: string;
  /** Absolute guest path where it appears. */
  readonly guest: string;
  readonly readOnly: boolean;
}

/** Parses `HOSTDIR:GUESTDIR[:ro|:rw]` (GUESTDIR defaults to HOSTDIR). */
export function parseMountSpec(text: string): MountSpec {
  const parts = text.split(':');
  let mode: string | undefined;
  if (parts.length > 1 && (parts[parts.length - 1] === 'ro' || parts[parts.length - 1] === 'rw')) mode = parts.pop();
  if (parts.length > 2 || parts[0] === '') throw new OptionError(`bad mount "${text}": want HOSTDIR:GUESTDIR[:ro]`);
  const host = parts[0]!;
  const guest = parts[1] ?? path.resolve(host);
  if (!guest.startsWith('/')) throw new OptionError(`bad mount "${text}": the guest directory must be an absolute path`);
  return { host, guest, readOnly: mode === 'ro' };
}

/** Lexically normalises an absolute guest path into its components. */
export function guestComponents(p: string): string[] {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

export const joinGuest = (components: readonly string[]): string => '/' + components.join('/');

interface Mount {
  readonly guest: string[];
  readonly hostRoot: string;
  readonly readOnly: boolean;
}

export type ResolveMode = 'follow' | 'create' | 'nofollow';

export type Resolved =
  | {
      readonly kind: 'host'; readonly hostPath: string; readonly readOnly: boolean; readonly guestPath: string;
      /** The path is the mount point itself. */
      readonly mountRoot: boolean;
    }
  /** A directory that exists only because mounts lie below it. */
  | { readonly kind: 'virtual'; readonly guestPath: string; readonly children: readonly string[] }
  | { readonly kind: 'error'; readonly errno: number };

const within = (root: string, p: string): boolean => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

export class Namespace {
  private readonly mounts: Mount[];

  constructor(specs: readonly MountSpec[]) {
    this.mounts = specs.map((s) => {
      let real: string;
      try {
        real = fs.realpathSync(s.host);
      } catch {
        throw new HyemuError('FILE_NOT_FOUND', `mount source ${s.host} does not exist`);
      }
      if (!fs.statSync(real).isDirectory()) throw new OptionError(`mount source ${s.host} is not a directory`);
      return { guest: guestComponents(s.guest), hostRoot: real, readOnly: s.readOnly };
    });
    // Longest guest prefix first, so nested mounts win.
    this.mounts.sort((a, b) => b.guest.length - a.guest.length);
  }

  get empty(): boolean {
    return this.mounts.length === 0;
  }

  /**
   * Resolves an absolute guest path. Symbolic links are followed on the
   * host but must stay inside the mount; otherwise EACCES. With 'create',
   * the last component need not exist (its parent must); with 'nofollow',
   * the last component is not followed (unlink, readlink, lstat).
   */
  resolve(guestPath: string, mode: ResolveMode = 'follow'): Resolved {
    const comps = guestComponents(guestPath);
    const normal = joinGuest(comps);
    for (const m of this.mounts) {
      if (m.guest.length > comps.length || !m.guest.every((c, i) => comps[i] === c)) continue;
      const hostPath = path.join(m.hostRoot, ...comps.slice(m.guest.length));
      const checked = mode === 'nofollow' && comps.length > m.guest.length
        ? this.containParent(m, hostPath)
        : this.contain(m, hostPath, mode === 'create');
      if (typeof checked === 'number') return { kind: 'error', errno: checked };
      return { kind: 'host', hostPath: checked, readOnly: m.readOnly, guestPath: normal, mountRoot: comps.length === m.guest.length };
    }
    const children = new Set<string>();
    for (const m of this.mounts) {
      if (m.guest.length > comps.length && comps.every((c, i) => m.guest[i] === c)) children.add(m.guest[comps.length]!);
    }
    // The root always exists, even with nothing mounted.
    if (children.size > 0 || comps.length === 0) return { kind: 'virtual', guestPath: normal, children: [...children].sort() };
    return { kind: 'error', errno: -E.ENOENT };
  }

  private contain(m: Mount, hostPath: string, forCreate: boolean): string | number {
    try {
      const real = fs.realpathSync(hostPath);
      return within(m.hostRoot, real) ? real : -E.EACCES;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !forCreate) return fromHostError(e);
    }
    // Creating: the name must not be a dangling symbolic link (which would
    // create its target, possibly outside).
    try {
      if (fs.lstatSync(hostPath, { throwIfNoEntry: false })?.isSymbolicLink()) return -E.EACCES;
    } catch (e) {
      return fromHostError(e);
    }
    return this.containParent(m, hostPath);
  }

  /** The parent must exist inside the mount; the last component is taken
   *  as it is. */
  private containParent(m: Mount, hostPath: string): string | number {
    try {
      const parent = fs.realpathSync(path.dirname(hostPath));
      if (!within(m.hostRoot, parent)) return -E.EACCES;
      return path.join(parent, path.basename(hostPath));
    } catch (e) {
      return fromHostError(e);
    }
  }
}
