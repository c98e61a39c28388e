import fs from 'node:fs';
import path from 'node:path';
import { HyemuError, OptionError } from '../../errors.js';
import { E, fromHostError } from '../syscalls/errno.js';

/**
 * The guest's file namespace, WASI-style: nothing of the host is visible
 * except directories the user mounts. Guest paths are resolved as Linux
 * does, component by component, each looked up on the host with lstat;
 * symbolic links are spliced into the rest of the path, and may not lead
 * out of the mount they lie in.
 *
 * Guest paths and file names are bytes: in the kernel they are JS strings
 * holding one character per byte ('latin1'), and become host paths for
 * node:fs through `hostBytes`.
 */

/** Linux's PATH_MAX (with the NUL), NAME_MAX and MAXSYMLINKS. */
export const PATH_MAX = 4096;
const NAME_MAX = 255;
const MAX_LINKS = 40;

/** A (latin1) host path as node:fs must get it: the exact bytes. */
export const hostBytes = (p: string): Buffer => Buffer.from(p, 'latin1');

export interface MountSpec {
  /** Host directory (a string is taken as UTF-8, as node:fs does). */
  readonly host: string | Buffer;
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

/** The last component of a guest path, as Linux's parent lookup sees it
 *  (mkdir, unlink and rmdir treat ".", ".." and trailing slashes apart). */
export interface PathTail {
  /** The path without its trailing slashes. */
  readonly path: string;
  readonly slash: boolean;
  readonly last: 'name' | '.' | '..' | '/';
}

export function pathTail(p: string): PathTail {
  const path = p.replace(/\/+$/, '');
  if (path === '') return { path: '/', slash: true, last: '/' };
  const name = path.slice(path.lastIndexOf('/') + 1);
  return { path, slash: path.length < p.length, last: name === '.' || name === '..' ? name : 'name' };
}

interface Mount {
  readonly guest: string[];
  /** Real path of the host directory (latin1). */
  readonly hostRoot: string;
  readonly readOnly: boolean;
}

export type ResolveMode = 'follow' | 'create' | 'nofollow';

export type Resolved =
  | {
      /** Host path (latin1) and canonical guest path: no ".", ".." or links. */
      readonly kind: 'host'; readonly hostPath: string; readonly readOnly: boolean; readonly guestPath: string;
      /** The path is the mount point itself. */
      readonly mountRoot: boolean;
    }
  /** A directory that exists only because mounts lie below it. */
  | { readonly kind: 'virtual'; readonly guestPath: string; readonly children: readonly string[] }
  | { readonly kind: 'error'; readonly errno: number };

/** What one canonical guest path is. 'absent': no mount covers it. */
type Entry =
  | { readonly type: 'dir' | 'file' | 'link' | 'missing'; readonly mount: Mount; readonly hostPath: string }
  | { readonly type: 'virtual' | 'absent' }
  | { readonly type: 'error'; readonly errno: number };

/** A component still to walk; `link` is the mount of the symbolic link
 *  whose target it comes from (null: the guest's own path). */
interface Step {
  readonly name: string;
  readonly link: Mount | null;
}

const failed = (errno: number): Resolved => ({ kind: 'error', errno: -errno });

const isPrefix = (prefix: readonly string[], comps: readonly string[]): boolean =>
  prefix.length <= comps.length && prefix.every((c, i) => comps[i] === c);

/** A path's components as a stack (the first on top). A trailing slash is
 *  a final ".": the name before it must be a directory, and a link there
 *  is followed. */
function steps(p: string, link: Mount | null): Step[] {
  const names = p.split('/').filter((c) => c !== '');
  if (p.endsWith('/') && names.length > 0) names.push('.');
  return names.reverse().map((name) => ({ name, link }));
}

const hostJoin = (root: string, rest: readonly string[]): string =>
  rest.length === 0 ? root : (root === '/' ? '' : root) + '/' + rest.join('/');

/** The part of absolute host path `p` below `root`, or null if it is not below it. */
function below(root: string, p: string): string | null {
  if (p === root) return '';
  const prefix = root === '/' ? '/' : root + '/';
  return p.startsWith(prefix) ? p.slice(prefix.length) : null;
}

export class Namespace {
  private readonly mounts: Mount[];

  constructor(specs: readonly MountSpec[]) {
    this.mounts = specs.map((s) => {
      let real: string;
      try {
        // .native: the JS realpath turns a Buffer into UTF-8 text.
        real = fs.realpathSync.native(s.host, { encoding: 'buffer' }).toString('latin1');
      } catch {
        throw new HyemuError('FILE_NOT_FOUND', `mount source ${s.host} does not exist`);
      }
      if (!fs.statSync(hostBytes(real)).isDirectory()) throw new OptionError(`mount source ${s.host} is not a directory`);
      // The guest path was typed as text; the guest names it by its UTF-8 bytes.
      return { guest: guestComponents(Buffer.from(s.guest).toString('latin1')), hostRoot: real, readOnly: s.readOnly };
    });
    // Longest guest prefix first, so nested mounts win.
    this.mounts.sort((a, b) => b.guest.length - a.guest.length);
  }

  get empty(): boolean {
    return this.mounts.length === 0;
  }

  /**
   * Resolves an absolute guest path as Linux does: `..` applies to where the
   * walk has got to (after links), and at a mount's root goes to the guest
   * parent of the mount point. A symbolic link's target is walked in its
   * place, relative to the link's directory or, if absolute, as a host path
   * that must lie in the link's mount; a link's own `..` may not climb above
   * that mount's root (EACCES), so no link leads out of its mount. Every
   * host path looked at is the mount's root plus names checked one by one.
   *
   * 'follow': the path must exist, links are followed. 'create': the last
   * component need not exist (its parent must), but a link there must lead
   * to something that exists (EACCES otherwise: never create a link's
   * target). 'nofollow': the last component is taken as it is, even a link
   * or nothing (unless a trailing slash follows it).
   */
  resolve(guestPath: string, mode: ResolveMode = 'follow'): Resolved {
    const pending = steps(guestPath, null);
    let at: string[] = [];
    let links = 0;
    for (let step = pending.pop(); step; step = pending.pop()) {
      const last = pending.length === 0;
      if (step.name === '.') continue;
      if (step.name === '..') {
        // A link's steps never leave its mount's subtree, so `at` is at
        // that mount's root or below it.
        if (step.link && at.length <= step.link.guest.length) return failed(E.EACCES);
        at = at.slice(0, -1);
        continue;
      }
      if (step.name.length > NAME_MAX) return failed(E.ENAMETOOLONG);
      const next = [...at, step.name];
      const e = this.entry(next);
      switch (e.type) {
        case 'error': return failed(-e.errno);
        case 'absent': return failed(E.ENOENT);
        case 'dir': case 'virtual':
          at = next;
          continue;
        case 'file':
          return last ? this.found(next, e) : failed(E.ENOTDIR);
        case 'missing':
          if (!last || mode === 'follow') return failed(E.ENOENT);
          return step.link ? failed(E.EACCES) : this.found(next, e);
        case 'link': {
          if (last && mode === 'nofollow') return this.found(next, e);
          if (++links > MAX_LINKS) return failed(E.ELOOP);
          const spliced = this.splice(e.mount, e.hostPath);
          if (typeof spliced === 'number') return failed(spliced);
          if (spliced.from) at = spliced.from;
          pending.push(...spliced.steps);
          continue;
        }
      }
    }
    return this.found(at, this.entry(at));
  }

  /** The steps a link's target stands for, and where they start if not in
   *  the link's directory (an absolute target: the mount's root). */
  private splice(m: Mount, hostPath: string): { steps: Step[]; from?: string[] } | number {
    let target: string;
    try {
      target = fs.readlinkSync(hostBytes(hostPath), { encoding: 'buffer' }).toString('latin1');
    } catch (e) {
      return -fromHostError(e);
    }
    if (target === '') return E.ENOENT;
    if (!target.startsWith('/')) return { steps: steps(target, m) };
    const rest = below(m.hostRoot, target);
    if (rest === null) return E.EACCES;
    return { steps: steps(rest, m), from: [...m.guest] };
  }

  /** Looks up one canonical guest path (its parent is a directory). */
  private entry(comps: readonly string[]): Entry {
    const m = this.mounts.find((mount) => isPrefix(mount.guest, comps));
    const mountsBelow = this.mounts.some((mount) => mount.guest.length > comps.length && isPrefix(comps, mount.guest));
    if (!m) return mountsBelow || comps.length === 0 ? { type: 'virtual' } : { type: 'absent' };
    const hostPath = hostJoin(m.hostRoot, comps.slice(m.guest.length));
    if (m.guest.length === comps.length) return { type: 'dir', mount: m, hostPath };
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(hostBytes(hostPath), { throwIfNoEntry: false });
    } catch (e) {
      return { type: 'error', errno: fromHostError(e) };
    }
    // Mount points below make this a directory, whatever the host has here.
    if (mountsBelow && !st?.isDirectory()) return { type: 'virtual' };
    const type = !st ? 'missing' : st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file';
    return { type, mount: m, hostPath };
  }

  private found(comps: readonly string[], e: Entry): Resolved {
    const guestPath = joinGuest(comps);
    switch (e.type) {
      case 'error': return failed(-e.errno);
      case 'absent': return failed(E.ENOENT);
      case 'virtual': {
        const children = new Set<string>();
        for (const m of this.mounts) if (m.guest.length > comps.length && isPrefix(comps, m.guest)) children.add(m.guest[comps.length]!);
        return { kind: 'virtual', guestPath, children: [...children].sort() };
      }
      default:
        return { kind: 'host', hostPath: e.hostPath, readOnly: e.mount.readOnly, guestPath, mountRoot: e.mount.guest.length === comps.length };
    }
  }
}
