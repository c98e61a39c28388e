import type { AddressSpace } from '../runtime/address-space.js';
import type { DispatchExit } from '../runtime/dispatcher.js';
import type { TraceCacheOptions } from '../runtime/options.js';
import { codegenDescription, codegenKey, hyemuVersion, type CodegenInputs } from '../trace-cache/codegen-key.js';
import type { CacheEntry } from '../trace-cache/format.js';
import { entryFileName, scanCache } from '../trace-cache/matching.js';
import { TraceCacheStore } from '../trace-cache/store.js';
import type { Region } from '../traces/region.js';

/** A region from the cache, its module compiling (WebAssembly.compile). */
export interface CachedRegion {
  readonly region: Region;
  readonly exits: readonly DispatchExit[];
  readonly wasmBytes: number;
  readonly module: Promise<WebAssembly.Module>;
}

/**
 * The persistent trace cache as tier 2 uses it: the store opened under
 * this run's code-generation key, the cached regions that fit the code
 * mapped now, and the regions compiled in this run written back.
 */
export class RegionCache {
  private constructor(private readonly store: TraceCacheStore, private readonly key: string) {}

  /** Null (after one warning) when the directory cannot be used. */
  static open(options: TraceCacheOptions, inputs: CodegenInputs, warn: (message: string) => void): RegionCache | null {
    const key = codegenKey(inputs);
    const store = TraceCacheStore.open(options.dir, key, codegenDescription(inputs), warn);
    return store ? new RegionCache(store, key) : null;
  }

  get folder(): string {
    return this.store.folder;
  }

  get written(): number {
    return this.store.written;
  }

  /** The cached regions whose every code byte is mapped, executable and
   *  unchanged now, with their modules compiling; `differing` counts the
   *  files read whose code is not. */
  load(space: AddressSpace): { regions: CachedRegion[]; differing: number } {
    const { matched, differing } = scanCache(this.store, space);
    const regions = matched.map((entry): CachedRegion => ({
      region: entry.header.region, exits: entry.header.exits, wasmBytes: entry.wasm.length,
      module: WebAssembly.compile(entry.wasm as Uint8Array<ArrayBuffer>),
    }));
    return { regions, differing };
  }

  /** Stores a region this run compiled (in the background; see flush()). */
  save(name: string, region: Region, exits: readonly DispatchExit[], code: readonly Uint8Array[], wasm: Uint8Array): void {
    const bytes = Buffer.concat(code);
    const entry: CacheEntry = {
      header: { key: this.key, hyemuVersion: hyemuVersion(), name, region, exits, codeLength: bytes.length, wasmLength: wasm.length },
      code: bytes, wasm,
    };
    this.store.write(entryFileName(entry), entry);
  }

  flush(): Promise<void> {
    return this.store.flush();
  }
}
