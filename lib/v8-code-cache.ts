import fs from 'node:fs';
import type vm from 'node:vm';

/**
 * Writes V8's cached data of `script` to `target` for later runs to load
 * with (the build's step for binaryen and for the command-line bundle):
 * through a temporary file and a rename, so that a run starting meanwhile
 * reads the old cache or the new one, never half of one.
 */
export function writeCachedData(script: vm.Script, target: URL): void {
  const tmp = new URL(`${target.href}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, script.createCachedData());
  fs.renameSync(tmp, target);
}
