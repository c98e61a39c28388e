import type { Emulator } from '../runtime/emulator.js';
import type { Tier2Engine } from '../runtime/tier2-engine.js';
import type { Tier2Options } from './options.js';

export async function createTier2(_emu: Emulator, _options: Tier2Options): Promise<Tier2Engine | null> {
  return null; // TODO(tier2): replaced by the worker-pool manager
}
