import { InvalidArgumentError, Option, type Command } from 'commander';
import { TIER2_TUNABLES, type Tier2Options, type TraceStrategy } from '../tier2-optimizer/options.js';
import { parseCount, parseCountUpTo } from './main.js';

export interface Tier2Flags {
  tier2: boolean;
  hotThreshold?: number;
  strategy?: TraceStrategy;
  maxTraceBlocks?: number;
  workers?: number;
  poolStartInsns?: number;
  maxInFlight?: number;
  optLevel?: number;
  shrinkLevel?: number;
  compileTimeout?: number;
  waitForInstall?: boolean;
  audit?: boolean;
  dumpTraces?: string;
}

const level = (max: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`want an integer 0..${max}`);
  return n;
};

/** The tier-2 tunables as command-line options (run and bench share them). */
export function tier2Flags(cmd: Command): Command {
  return cmd
    .option('--no-tier2', 'tier 1 only: do not compile hot code to WebAssembly')
    .option('--hot-threshold <N>', 'block executions before tier 2 compiles it (default 50)', parseCount)
    .addOption(new Option('--strategy <KIND>', 'trace formation: NET traces or regions (default region)').choices(['net', 'region']))
    .option('--max-trace-blocks <N>', 'most guest blocks per trace or region (default 32; NET: 16)', parseCount)
    .option('--workers <N>', 'tier-2 compiler threads (default: cores - 1)', parseCount)
    .option('--pool-start-insns <N>', 'guest instructions before the compiler pool begins, if a region waits (default 5000000; 0: at the first)', parseCountUpTo(TIER2_TUNABLES.poolStartInsns.max))
    .option('--max-in-flight <N>', 'most compile tasks queued at once (default 4)', parseCount)
    .option('--opt-level <N>', 'binaryen optimizer: 0 none, 1 cheap passes (default), 2-4 full pipeline', level(4))
    .option('--shrink-level <N>', 'binaryen shrink level 0-2 (default 0)', level(2))
    .option('--compile-timeout <MS>', 'fail a trace compile running this long in its worker (default 10000)', parseCount)
    .option('--wait-for-install', 'test mode: pause the guest until each requested trace is installed')
    .option('--audit', 'also run each trace in tier 1 and compare the guest state')
    .option('--dump-traces <DIR>', "write each trace's IR and WebAssembly text to DIR");
}

export function tier2FromFlags(f: Tier2Flags, dump: Tier2Options['dump']): boolean | Partial<Tier2Options> {
  if (!f.tier2) return false;
  return {
    ...(f.hotThreshold !== undefined ? { hotThreshold: f.hotThreshold } : {}),
    ...(f.strategy !== undefined ? { strategy: f.strategy } : {}),
    ...(f.maxTraceBlocks !== undefined ? { maxBlocks: f.maxTraceBlocks } : {}),
    ...(f.workers !== undefined ? { workers: f.workers } : {}),
    ...(f.poolStartInsns !== undefined ? { poolStartInsns: f.poolStartInsns } : {}),
    ...(f.maxInFlight !== undefined ? { maxInFlight: f.maxInFlight } : {}),
    ...(f.optLevel !== undefined ? { optimizeLevel: f.optLevel } : {}),
    ...(f.shrinkLevel !== undefined ? { shrinkLevel: f.shrinkLevel } : {}),
    ...(f.compileTimeout !== undefined ? { compileTimeoutMs: f.compileTimeout } : {}),
    ...(f.waitForInstall ? { waitForInstall: true } : {}),
    ...(f.audit ? { audit: true } : {}),
    ...(dump ? { dump } : {}),
  };
}
