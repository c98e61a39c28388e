import { OptionError } from '../errors.js';
import { TIER2_TUNABLES, type Tier2Options, type Tier2Tunable, type TraceStrategy } from '../tier2-optimizer/options.js';

/** What `--sweep` can vary: every numeric tier-2 tunable, and the trace strategy. */
export type SweepTunable = Tier2Tunable | 'strategy';

export interface SweepPoint {
  /** The value as the user wrote it (a table column, a chart tick). */
  readonly label: string;
  /** What this point changes in the hybrid mode's tier-2 options. */
  readonly tier2: Partial<Tier2Options>;
}

export interface Sweep {
  readonly tunable: SweepTunable;
  readonly points: readonly SweepPoint[];
}

const STRATEGIES: readonly TraceStrategy[] = ['net', 'region'];
export const SWEEP_TUNABLES = [...Object.keys(TIER2_TUNABLES), 'strategy'] as SweepTunable[];

/** Accepts the API name (hotThreshold) and its kebab-case spelling (hot-threshold). */
const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Parses one `--sweep TUNABLE=V1,V2,...`; a bad one throws an OptionError saying why. */
export function parseSweep(spec: string): Sweep {
  const m = /^\s*([A-Za-z-]+)\s*=(.*)$/.exec(spec);
  if (!m) throw new OptionError(`bad --sweep "${spec}": want TUNABLE=V1,V2,... (for example hotThreshold=10,50,200)`);
  const tunable = camel(m[1]!) as SweepTunable;
  if (!SWEEP_TUNABLES.includes(tunable)) {
    throw new OptionError(`--sweep: unknown tunable "${m[1]}"; one of ${SWEEP_TUNABLES.join(', ')}`);
  }
  const raw = m[2]!.split(',').map((v) => v.trim());
  if (raw.some((v) => v === '')) throw new OptionError(`--sweep ${tunable}: empty value in "${m[2]}"`);
  const seen = new Set<string>();
  const points = raw.map((v): SweepPoint => {
    const tier2 = tunable === 'strategy' ? { strategy: parseStrategy(v) } : { [tunable]: parseInteger(tunable, v) };
    const key = String(Object.values(tier2)[0]);
    if (seen.has(key)) throw new OptionError(`--sweep ${tunable}: value ${v} is given twice`);
    seen.add(key);
    return { label: v, tier2 };
  });
  return { tunable, points };
}

/** Parses every `--sweep`; sweeping one tunable twice is an error. */
export function parseSweeps(specs: readonly string[]): Sweep[] {
  const sweeps = specs.map(parseSweep);
  const names = sweeps.map((s) => s.tunable);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new OptionError(`--sweep: ${twice} is swept twice; give all its values in one --sweep`);
  return sweeps;
}

function parseInteger(tunable: Tier2Tunable, v: string): number {
  const { min, max } = TIER2_TUNABLES[tunable];
  const n = /^\d+$/.test(v.replace(/_/g, '')) ? Number(v.replace(/_/g, '')) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new OptionError(`--sweep ${tunable}: "${v}" is not an integer in ${min}..${max}`);
  }
  return n;
}

function parseStrategy(v: string): TraceStrategy {
  if (!(STRATEGIES as readonly string[]).includes(v)) {
    throw new OptionError(`--sweep strategy: "${v}" is not one of ${STRATEGIES.join(', ')}`);
  }
  return v as TraceStrategy;
}
