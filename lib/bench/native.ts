import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Kernel } from './kernels.js';

const run = promisify(execFile);

/** The same flags as `make -C bench/kernels host` (less the warnings). */
const CFLAGS = ['-O2', '-std=c11'];

export interface NativeBuild {
  /** Kernel name -> host binary. */
  readonly binaries: ReadonlyMap<string, string>;
  /** The compiler's first --version line, or why there is no native column. */
  readonly compiler: string | null;
  readonly skipped: string | null;
}

export const defaultNativeCache = (): string => path.join(os.tmpdir(), 'hyemu-bench', 'native');

/**
 * Builds the host binaries of the bundled kernels with `cc -O2` (HOSTCC
 * overrides cc), once: each binary's name carries a hash of the compiler,
 * the flags and the sources, so a cached one is reused until any changes.
 * A missing compiler or a failed build skips the native column; it never
 * fails the bench.
 */
export async function buildNative(kernels: readonly Kernel[], cacheDir = defaultNativeCache()): Promise<NativeBuild> {
  const cc = process.env['HOSTCC'] || 'cc';
  let version: string;
  try {
    version = (await run(cc, ['--version'])).stdout.split('\n')[0]!.trim();
  } catch {
    return { binaries: new Map(), compiler: null, skipped: `no host C compiler (${cc})` };
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const binaries = new Map<string, string>();
  for (const k of kernels) {
    if (!k.source) continue;
    const hash = createHash('sha256').update(`${cc}\0${version}\0${CFLAGS.join(' ')}\0`);
    const dir = path.dirname(k.source);
    for (const f of [k.source, ...fs.readdirSync(dir).filter((f) => f.endsWith('.h')).sort().map((f) => path.join(dir, f))]) {
      hash.update(fs.readFileSync(f));
    }
    const binary = path.join(cacheDir, `${k.name}-${hash.digest('hex').slice(0, 16)}`);
    if (!fs.existsSync(binary)) {
      // Build beside the target and rename, so an interrupted build never leaves a bad cache entry.
      const tmp = `${binary}.${process.pid}.tmp`;
      try {
        await run(cc, [...CFLAGS, '-o', tmp, k.source]);
        fs.renameSync(tmp, binary);
      } catch (e) {
        fs.rmSync(tmp, { force: true });
        const why = ((e as { stderr?: string }).stderr ?? String(e)).trim().split('\n')[0];
        return { binaries: new Map(), compiler: version, skipped: `${cc} failed to build ${k.name}: ${why}` };
      }
    }
    binaries.set(k.name, binary);
  }
  return { binaries, compiler: version, skipped: null };
}
