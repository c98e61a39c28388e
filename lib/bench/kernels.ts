import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HyemuError, OptionError } from '../errors.js';

/** One program the bench runs. */
export interface Kernel {
  readonly name: string;
  /** The rv32 ELF (absolute path). */
  readonly elf: string;
  /** Arguments after argv[0]. */
  readonly args: readonly string[];
  readonly description?: string;
  /** The C source, for the native build: bundled kernels only. */
  readonly source?: string;
}

interface KernelEntry {
  readonly name: string;
  readonly elf: string;
  readonly source: string;
  readonly description: string;
  readonly args: readonly string[];
}

/** The hyemu package root: the nearest folder above this module with hyemu's package.json
 *  (the same from lib/bench and from dist/lib/bench). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hyemu') {
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new HyemuError('INTERNAL', 'cannot find the hyemu package root');
    dir = up;
  }
}

export const kernelsDir = (): string => path.join(packageRoot(), 'bench', 'kernels');

/** The bundled kernels (bench/kernels/kernels.json), in their listed order. */
export function bundledKernels(): Kernel[] {
  const dir = kernelsDir();
  const file = path.join(dir, 'kernels.json');
  if (!fs.existsSync(file)) {
    throw new HyemuError('FILE_NOT_FOUND', `the bundled kernels are not installed (${file} is missing); name ELF files instead`);
  }
  const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as KernelEntry[];
  return entries.map((e) => ({
    name: e.name, elf: path.join(dir, e.elf), args: e.args, description: e.description, source: path.join(dir, e.source),
  }));
}

/** The bundled kernels named in `--kernels a,b` (all of them for undefined). */
export function selectKernels(names: string | undefined): Kernel[] {
  const all = bundledKernels();
  if (names === undefined) return all;
  const wanted = names.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (wanted.length === 0) throw new OptionError('--kernels: name at least one kernel');
  const twice = wanted.find((n, i) => wanted.indexOf(n) !== i);
  if (twice) throw new OptionError(`--kernels: ${twice} is named twice`);
  return wanted.map((n) => {
    const k = all.find((k) => k.name === n);
    if (!k) throw new OptionError(`--kernels: no kernel "${n}"; one of ${all.map((k) => k.name).join(', ')}`);
    return k;
  });
}

/** A user's own ELF, named after its file (made unique among `taken`). */
export function userKernel(elf: string, args: readonly string[], taken: ReadonlySet<string>): Kernel {
  const file = path.resolve(elf);
  if (!fs.existsSync(file)) throw new HyemuError('FILE_NOT_FOUND', `${elf}: no such file`);
  const base = path.basename(file).replace(/\.elf$/, '');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}#${i}`;
  return { name, elf: file, args };
}
