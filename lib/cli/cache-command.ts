import type { Command } from 'commander';
import { cacheInfo, clearCache, type CacheInfo } from '../trace-cache/store.js';
import { defaultCacheDir } from './cache-flags.js';

const OPTION_COLUMNS = ['hyemu', 'compiler', 'memoryModel', 'optimizeLevel', 'hotThreshold', 'maxBlocks', 'strategy', 'profile'] as const;

function formatInfo(info: CacheInfo): string {
  const lines = [`trace cache ${info.dir} (format v${info.formatVersion})`];
  if (info.keys.length === 0) lines.push('  empty');
  for (const k of info.keys) {
    const o = k.options ?? {};
    const described = OPTION_COLUMNS.filter((c) => o[c] !== undefined).map((c) => `${c}=${String(o[c])}`).join(' ');
    lines.push(`  ${k.key}  ${String(k.regions).padStart(6)} regions  ${(k.bytes / 1024).toFixed(1).padStart(9)} KiB  ${described}`);
  }
  const regions = info.keys.reduce((n, k) => n + k.regions, 0);
  const bytes = info.keys.reduce((n, k) => n + k.bytes, 0);
  lines.push(`  total: ${regions} regions, ${(bytes / 1024).toFixed(1)} KiB in ${info.keys.length} option sets`);
  if (info.otherFormats.length > 0) lines.push(`  also: ${info.otherFormats.join(', ')} (other format versions, not read; \`hyemu cache clear\` removes them)`);
  return `${lines.join('\n')}\n`;
}

/** `hyemu cache info [DIR]` and `hyemu cache clear [DIR]`. */
export function addCacheCommand(program: Command, setExit: (code: number) => void): void {
  const cache = program.command('cache').description('inspect or empty the tier-2 trace cache');
  cache
    .command('info')
    .description('list the option sets in a trace cache, with their regions and size')
    .argument('[dir]', 'the cache directory (default: $XDG_CACHE_HOME/hyemu)')
    .option('--json', 'print the listing as JSON')
    .action((dir: string | undefined, flags: { json?: boolean }) => {
      const info = cacheInfo(dir ?? defaultCacheDir());
      process.stdout.write(flags.json ? `${JSON.stringify(info, null, 2)}\n` : formatInfo(info));
      setExit(0);
    });
  cache
    .command('clear')
    .description("remove hyemu's trace cache folders from a directory (nothing else in it)")
    .argument('[dir]', 'the cache directory (default: $XDG_CACHE_HOME/hyemu)')
    .action((dir: string | undefined) => {
      const d = dir ?? defaultCacheDir();
      const removed = clearCache(d);
      process.stdout.write(`trace cache ${d}: removed ${removed} files\n`);
      setExit(0);
    });
}
