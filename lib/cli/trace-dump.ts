import fs from 'node:fs';
import path from 'node:path';
import { OptionError } from '../errors.js';
import type { Tier2Options } from '../tier2-optimizer/options.js';
import { writeErr } from './host-output.js';

/** --dump-traces DIR: one text file per trace (IR and WebAssembly text).
 *  A directory that cannot be made or written is a bad option, found
 *  before the guest starts; a write that fails later is reported once and
 *  dumping stops, the run goes on. */
export function createTraceDumper(dir: string | undefined): Tier2Options['dump'] {
  if (dir === undefined) return null;
  try {
    makeDirectories(path.resolve(dir));
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new OptionError(`--dump-traces ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let failed = false;
  return (name, text) => {
    if (failed) return;
    try {
      fs.writeFileSync(path.join(dir, `${name}.txt`), text);
    } catch (e) {
      failed = true;
      writeErr(`hyemu: --dump-traces: writing ${name}.txt failed (${(e as NodeJS.ErrnoException).code ?? 'error'}); no more traces are dumped\n`);
    }
  };
}

/** mkdir -p, one level at a time: Node 20's recursive mkdirSync loops
 *  forever under /proc (it keeps retrying a parent that mkdir says is
 *  missing). */
function makeDirectories(dir: string): void {
  if (fs.existsSync(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) makeDirectories(parent);
  fs.mkdirSync(dir);
}
