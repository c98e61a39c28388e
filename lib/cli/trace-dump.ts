import fs from 'node:fs';
import path from 'node:path';
import type { Tier2Options } from '../tier2-optimizer/options.js';

/** --dump-traces DIR: one text file per trace (IR and WebAssembly text). */
export function createTraceDumper(dir: string | undefined): Tier2Options['dump'] {
  if (dir === undefined) return null;
  fs.mkdirSync(dir, { recursive: true });
  return (name, text) => fs.writeFileSync(path.join(dir, `${name}.txt`), text);
}
