import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import { CacheFormatError, decodeEntry, encodeEntry, FORMAT_VERSION, type CacheEntry } from './format.js';

/**
 * The trace cache on disk:
 *
 *   DIR/hyemu-traces-v<FORMAT_VERSION>/<key>/options.json
 *   DIR/hyemu-traces-v<FORMAT_VERSION>/<key>/<head>-<probe length>-<probe hash>-<region hash>.htc
 *
 * One folder per code-generation key (codegen-key.ts; options.json says
 * what it stands for), one file per compiled region, named by its head pc
 * and a hash of the first bytes there, so that a run reads only the files
 * whose head holds the same code now. Files are written to a temporary
 * name in the same folder and renamed into place, so concurrent runs
 * sharing a cache see whole files or none.
 */
export const LAYOUT_DIR = `hyemu-traces-v${FORMAT_VERSION}`;
const SUFFIX = '.htc';
const NAME = /^([0-9a-f]{8})-(\d+)-([0-9a-f]{12})-([0-9a-f]{16})\.htc$/;
/** Warnings about single files; more are summed up in one line at the end. */
const MAX_FILE_WARNINGS = 5;

export interface CacheFileName {
  readonly file: string;
  readonly headPc: number;
  readonly probeLength: number;
  readonly probeHash: string;
}

export function cacheFileName(headPc: number, probeLength: number, probe: string, region: string): string {
  return `${(headPc >>> 0).toString(16).padStart(8, '0')}-${probeLength}-${probe}-${region}${SUFFIX}`;
}

export function parseCacheFileName(file: string): CacheFileName | null {
  const m = NAME.exec(file);
  return m ? { file, headPc: parseInt(m[1]!, 16), probeLength: Number(m[2]), probeHash: m[3]! } : null;
}

export class TraceCacheStore {
  private writable = true;
  private readonly writes = new Set<Promise<void>>();
  private fileWarnings = 0;
  written = 0;

  private constructor(readonly folder: string, private readonly key: string, private readonly warn: (message: string) => void) {}

  /**
   * Opens (creating if needed) the folder for `key` under `dir`; null, with
   * one warning, when it cannot be used at all. A folder that exists but
   * cannot be written to still serves what it holds.
   */
  static open(dir: string, key: string, description: object, warn: (message: string) => void): TraceCacheStore | null {
    const folder = join(dir, LAYOUT_DIR, key);
    try {
      if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    } catch (e) {
      warn(`trace cache ${dir}: ${describe(e)}; running without the cache`);
      return null;
    }
    const store = new TraceCacheStore(folder, key, warn);
    try {
      // Level by level: a recursive mkdir loops forever where mkdir says
      // ENOENT under an existing directory (/proc).
      for (const d of [join(dir, LAYOUT_DIR), folder]) mkdirIfMissing(d);
      if (!fs.existsSync(join(folder, 'options.json'))) store.writeAtomic('options.json', `${JSON.stringify({ key, ...description }, null, 2)}\n`);
    } catch (e) {
      if (!fs.existsSync(folder)) {
        warn(`trace cache ${dir}: cannot create ${LAYOUT_DIR}/${key} (${describe(e)}); running without the cache`);
        return null;
      }
      store.readOnly(e);
    }
    return store;
  }

  /** The files of this key (names that do not parse are not ours: skipped). */
  list(): CacheFileName[] {
    try {
      return fs.readdirSync(this.folder).map(parseCacheFileName).filter((n): n is CacheFileName => n !== null);
    } catch (e) {
      this.warn(`trace cache ${this.folder}: cannot list (${describe(e)})`);
      return [];
    }
  }

  /** Reads and decodes one file; null (with a warning) if it is unusable. */
  read(file: string): CacheEntry | null {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(join(this.folder, file));
    } catch (e) {
      // Removed meanwhile (`hyemu cache clear` in another process): a miss.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      this.fileWarning(`${file}: cannot read (${describe(e)})`);
      return null;
    }
    try {
      return decodeEntry(bytes, this.key);
    } catch (e) {
      if (!(e instanceof CacheFormatError)) throw e;
      this.fileWarning(`${file}: skipped, ${e.message}`);
      return null;
    }
  }

  /** Stores an entry in the background; see flush(). */
  write(file: string, entry: CacheEntry): void {
    if (!this.writable) return;
    const p = this.writeAtomicAsync(file, encodeEntry(entry)).then(
      () => { this.written++; },
      (e: unknown) => this.readOnly(e),
    ).finally(() => this.writes.delete(p));
    this.writes.add(p);
  }

  /** Waits for the writes started so far. */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.all(this.writes);
    if (this.fileWarnings > MAX_FILE_WARNINGS) {
      this.warn(`trace cache ${this.folder}: ${this.fileWarnings - MAX_FILE_WARNINGS} more unusable files skipped`);
      this.fileWarnings = MAX_FILE_WARNINGS;
    }
  }

  private readOnly(e: unknown): void {
    if (!this.writable) return;
    this.writable = false;
    this.warn(`trace cache ${this.folder}: cannot write (${describe(e)}); using it read-only`);
  }

  private fileWarning(message: string): void {
    if (++this.fileWarnings <= MAX_FILE_WARNINGS) this.warn(`trace cache ${this.folder}/${message}`);
  }

  private temporary(file: string): string {
    return join(this.folder, `.${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  }

  private writeAtomic(file: string, data: string | Uint8Array): void {
    const tmp = this.temporary(file);
    try {
      fs.writeFileSync(tmp, data, { flag: 'wx' });
      fs.renameSync(tmp, join(this.folder, file));
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }

  private async writeAtomicAsync(file: string, data: Uint8Array): Promise<void> {
    const tmp = this.temporary(file);
    try {
      await fs.promises.writeFile(tmp, data, { flag: 'wx' });
      await fs.promises.rename(tmp, join(this.folder, file));
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
  }
}

export function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const messages: Record<string, string> = {
    ENOENT: 'no such directory', ENOTDIR: 'not a directory', EACCES: 'permission denied', EPERM: 'permission denied',
    EROFS: 'read-only file system', ENOSPC: 'no space left',
  };
  return (code && messages[code]) ?? code ?? (e instanceof Error ? e.message : String(e));
}

// --- `hyemu cache info` and `hyemu cache clear` ---

export interface CacheKeyInfo {
  readonly key: string;
  /** What the key stands for (its options.json), if readable. */
  readonly options: Record<string, unknown> | null;
  readonly regions: number;
  readonly bytes: number;
}

export interface CacheInfo {
  readonly dir: string;
  readonly formatVersion: number;
  readonly keys: readonly CacheKeyInfo[];
  /** Folders of other format versions (older or newer hyemu). */
  readonly otherFormats: readonly string[];
}

export function cacheInfo(dir: string): CacheInfo {
  const root = join(dir, LAYOUT_DIR);
  const keys = listDir(root).filter((k) => /^[0-9a-f]{16}$/.test(k)).sort().map((key): CacheKeyInfo => {
    const folder = join(root, key);
    let regions = 0, bytes = 0;
    for (const f of listDir(folder)) {
      if (parseCacheFileName(f) === null) continue;
      regions++;
      try {
        bytes += fs.statSync(join(folder, f)).size;
      } catch {
        // removed meanwhile
      }
    }
    let options: Record<string, unknown> | null = null;
    try {
      options = JSON.parse(fs.readFileSync(join(folder, 'options.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      // missing or damaged: the key alone is shown
    }
    return { key, options, regions, bytes };
  });
  const otherFormats = listDir(dir).filter((d) => /^hyemu-traces-v\d+$/.test(d) && d !== LAYOUT_DIR);
  return { dir, formatVersion: FORMAT_VERSION, keys, otherFormats };
}

/** Removes hyemu's cache folders under dir (of every format version);
 *  nothing else there is touched. Returns the number of files removed. */
export function clearCache(dir: string): number {
  let files = 0;
  for (const d of listDir(dir).filter((d) => /^hyemu-traces-v\d+$/.test(d))) {
    const root = join(dir, d);
    for (const key of listDir(root)) files += listDir(join(root, key)).length;
    fs.rmSync(root, { recursive: true, force: true });
  }
  return files;
}

function mkdirIfMissing(path: string): void {
  try {
    fs.mkdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

function listDir(path: string): string[] {
  try {
    return fs.readdirSync(path);
  } catch {
    return [];
  }
}
