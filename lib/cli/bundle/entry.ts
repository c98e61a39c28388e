/**
 * What the `hyemu` command needs once its signal guard listens (bin.cts):
 * the entry point of the command-line bundle (bundle/build.ts), and the
 * same module unbundled where there is no bundle.
 */
export { main } from '../main.js';
export { rawArguments } from '../raw-argv.js';
export { startPoolEarly } from '../early-pool.js';
