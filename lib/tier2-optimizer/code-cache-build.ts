/**
 * `npm run build`'s last step: writes V8's code cache of binaryen next to
 * binaryen-loader.js, so that compiler workers load it in less than half
 * the time (see binaryen-loader.ts). Run again after a binaryen or Node
 * upgrade; a stale cache is only ignored.
 */
import { writeCodeCache } from './binaryen-loader.js';

const written = await writeCodeCache();
process.stdout.write(written ? `binaryen code cache: ${written}\n` : 'binaryen code cache: binaryen.js has an unexpected shape; none written (binaryen loads as a plain import)\n');
