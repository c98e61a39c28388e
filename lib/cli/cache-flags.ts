import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { TraceCacheOptions } from '../runtime/options.js';
import { writeErr } from './host-output.js';

/** The CLI's cache directory when none is named: $XDG_CACHE_HOME/hyemu
 *  (~/.cache/hyemu). */
export function defaultCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'hyemu');
}

export interface CacheFlags {
  /** --cache DIR; --no-cache: false. */
  cache?: string | false;
}

/** DIR is required: an optional value would take the program's name
 *  (`hyemu run --cache prog.elf`) as the directory. */
export function cacheFlags(cmd: Command, what: string): Command {
  return cmd
    .option('--cache <DIR>', `keep compiled tier-2 regions in DIR (created if missing) and reuse them ${what}`)
    .option('--no-cache', 'no trace cache (the default for run and bench)');
}

/** The API's cache option for the flags (`byDefault`: without --cache,
 *  the default directory); the CLI creates its directory, the library
 *  never does. */
export function cacheFromFlags(flags: CacheFlags, byDefault = false): TraceCacheOptions | undefined {
  if (flags.cache === false || (flags.cache === undefined && !byDefault)) return undefined;
  const dir = flags.cache ?? defaultCacheDir();
  try {
    // Not where the directory exists already: a recursive mkdir loops
    // forever under /proc.
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true });
  } catch {
    // The emulator says why it cannot use it, in one warning.
  }
  return { dir, onWarning: (message) => writeErr(`hyemu: warning: ${message}\n`) };
}
