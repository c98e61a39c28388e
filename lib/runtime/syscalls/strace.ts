import type { AddressSpace } from '../address-space.js';
import { signalName } from '../signals.js';
import type { ArgKind } from './types.js';

const AT_FDCWD = -100;

function formatArg(space: AddressSpace, kind: ArgKind, value: number): string {
  switch (kind) {
    case 'int': case 'fd': return String(value | 0);
    case 'uint': return String(value >>> 0);
    case 'oct': return value === 0 ? '0' : '0' + (value >>> 0).toString(8);
    case 'dirfd': return value === AT_FDCWD ? 'AT_FDCWD' : String(value | 0);
    case 'signal': return signalName(value);
    case 'hex': case 'ptr': return value === 0 && kind === 'ptr' ? 'NULL' : '0x' + (value >>> 0).toString(16);
    case 'path': {
      const s = value === 0 ? undefined : space.readCString(value, 256);
      return s === undefined ? '0x' + (value >>> 0).toString(16) : quoted(s);
    }
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\v': '\\v', '\f': '\\f' };

/** A guest string (one character per byte) quoted as strace shows it:
 *  bytes outside printable ASCII as \xNN. */
function quoted(s: string): string {
  let out = '';
  for (const c of s) {
    const b = c.charCodeAt(0);
    out += ESCAPES[c] ?? (b >= 0x20 && b < 0x7f ? c : '\\x' + b.toString(16).padStart(2, '0'));
  }
  return `"${out}"`;
}

/** `name(arg, ...)` as --strace prints it, before the call runs. */
export function formatSyscall(space: AddressSpace, name: string, kinds: readonly ArgKind[] | undefined, args: readonly number[]): string {
  const shown = kinds ?? ['hex', 'hex', 'hex', 'hex', 'hex', 'hex'];
  return `${name}(${shown.map((k, i) => formatArg(space, k, args[i] ?? 0)).join(', ')})`;
}
