import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { cacheFile, loadBinaryen, source } from '../../lib/tier2-optimizer/binaryen-loader.js';
import { Tier2Pool } from '../../lib/tier2-optimizer/pool.js';

// binaryen from V8's code cache (binaryen-loader.ts): `npm run build`
// writes the cache; workers load through it; a cache V8 refuses, or none,
// still gives a working binaryen.

const works = async (): Promise<number> => {
  const { binaryen } = await import('../../lib/tier2-optimizer/binaryen-loader.js');
  const m = new binaryen.Module();
  m.addFunction('f', binaryen.none, binaryen.i32, [], m.i32.const(7));
  m.addFunctionExport('f', 'f');
  const bytes = m.emitBinary();
  m.dispose();
  return (new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports['f'] as () => number)();
};

t.test('the build wrote a code cache, and the compiler workers load binaryen from it', async (t) => {
  const { version, size } = source();
  t.ok(fs.existsSync(cacheFile(version, size)), 'npm run build wrote the code cache for this binaryen');
  const pool = new Tier2Pool(1);
  await pool.ready;
  await pool.close();
  t.equal(pool.warmups.length, 1, 'the worker reported its warm-up');
  t.equal(pool.warmups[0]?.binaryen.how, 'cached', 'V8 accepted the cache');
  t.ok((pool.warmups[0]?.warmupCompileMs ?? 0) > 0, 'and compiled the warm-up region');
});

t.test('a cache V8 refuses, or none, falls back to a plain import', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-binaryen-'));
  const garbage = path.join(dir, 'garbage.v8cache');
  fs.writeFileSync(garbage, Buffer.alloc(4096, 7));
  const refused = await loadBinaryen(garbage);
  t.equal(refused.how, 'rejected', 'a damaged cache is refused');
  t.equal(await works(), 7, 'and binaryen works');
  const none = await loadBinaryen(path.join(dir, 'missing.v8cache'));
  t.equal(none.how, 'import', 'no cache file: a plain import');
  t.equal(await works(), 7, 'and binaryen works');
});
