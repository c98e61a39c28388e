import fs from 'node:fs';
import { INHERITED_SIGIGN_VAR } from './signal-guard.cjs';

/**
 * The command line as bytes. Node hands scripts their arguments decoded as
 * UTF-8, so an argument holding `\xff` arrives as U+FFFD; Linux keeps the
 * exact bytes in /proc/self/cmdline. `raw[i]` are the bytes of `args[i]`
 * (the arguments after the script), or its UTF-8 encoding where the
 * original cannot be found.
 */
export function rawArguments(args: readonly string[]): Buffer[] {
  const fallback = args.map((a) => Buffer.from(a));
  let cmdline: Buffer;
  try {
    cmdline = fs.readFileSync('/proc/self/cmdline');
  } catch {
    return fallback;
  }
  const all = splitNul(cmdline);
  if (all.length < args.length) return fallback;
  const tail = all.slice(all.length - args.length);
  // Only trust the bytes if they decode to what Node gave us.
  return tail.every((b, i) => b.toString('utf8') === args[i]) ? tail : fallback;
}

/** The initial environment as bytes (`KEY=VALUE` entries), without the
 *  launcher's variable: /proc keeps what the process started with, though
 *  signal-guard.cts has taken it out of process.env. */
export function rawEnvironment(): Buffer[] {
  const launcher = Buffer.from(`${INHERITED_SIGIGN_VAR}=`);
  try {
    return splitNul(fs.readFileSync('/proc/self/environ'))
      .filter((e) => e.indexOf(0x3d) > 0 && !e.subarray(0, launcher.length).equals(launcher));
  } catch {
    return Object.entries(process.env).flatMap(([k, v]) => (v === undefined ? [] : [Buffer.from(`${k}=${v}`)]));
  }
}

/** The bytes of every value of option `--name` among the first `count`
 *  arguments (`--name VALUE` or `--name=VALUE`), in order. */
export function optionValues(args: readonly string[], raw: readonly Buffer[], name: string, count = args.length): Buffer[] {
  const flag = `--${name}`;
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (args[i] === flag && i + 1 < count) out.push(raw[++i]!);
    else if (args[i]!.startsWith(`${flag}=`)) out.push(raw[i]!.subarray(flag.length + 1));
    else if (args[i] === '--') break;
  }
  return out;
}

function splitNul(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0) {
      out.push(b.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}
