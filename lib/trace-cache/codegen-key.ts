import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemoryModel } from '../runtime/options.js';
import type { Tier2Options } from '../tier2-optimizer/options.js';

/** hyemu's built modules (dist/lib). */
const LIB = fileURLToPath(new URL('..', import.meta.url));

/** What decides a compiled module, besides the guest code: the parts of
 *  hyemu that decode, translate, form and lower regions, and the memory
 *  layout the code is compiled against. */
const CODEGEN_SOURCES = ['guest', 'ir', 'tier1-tcg', 'tier2-optimizer', 'traces', 'runtime/layout.js'];

function listJs(path: string): string[] {
  if (path.endsWith('.js')) return [path];
  return readdirSync(join(LIB, path), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listJs(join(path, e.name)) : e.name.endsWith('.js') ? [join(path, e.name)] : []))
    .sort();
}

let fingerprint: string | null = null;

/**
 * A hash of hyemu's code generators as built: any change to how code is
 * generated (not only a version bump) gives a new key, so a cache never
 * hands an old module to a new compiler. About a millisecond, once.
 */
export function compilerFingerprint(): string {
  if (fingerprint === null) {
    const h = createHash('sha256');
    for (const file of CODEGEN_SOURCES.flatMap(listJs)) h.update(file).update('\0').update(readFileSync(join(LIB, file))).update('\0');
    fingerprint = h.digest('hex').slice(0, 16);
  }
  return fingerprint;
}

let version: string | null = null;

export function hyemuVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

/** The options that change which regions are formed or what they compile
 *  to; a cached module is used only under the same ones. */
export interface CodegenInputs {
  readonly tier2: Pick<Tier2Options, 'optimizeLevel' | 'shrinkLevel' | 'profile' | 'strategy' | 'maxBlocks' | 'hotThreshold'>;
  readonly memoryModel: MemoryModel;
  readonly maxBlockInsns: number;
}

export function codegenDescription(inputs: CodegenInputs): Record<string, string | number | boolean> {
  const t = inputs.tier2;
  return {
    hyemu: hyemuVersion(), compiler: compilerFingerprint(),
    optimizeLevel: t.optimizeLevel, shrinkLevel: t.shrinkLevel, profile: t.profile,
    strategy: t.strategy, maxBlocks: t.maxBlocks, hotThreshold: t.hotThreshold,
    memoryModel: inputs.memoryModel, maxBlockInsns: inputs.maxBlockInsns,
  };
}

/** The key a cache directory is divided by (16 hex digits). */
export function codegenKey(inputs: CodegenInputs): string {
  return createHash('sha256').update(JSON.stringify(codegenDescription(inputs))).digest('hex').slice(0, 16);
}
