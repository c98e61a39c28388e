import type Binaryen from 'binaryen';
import { binaryen as loaded, loadBinaryen } from './binaryen-loader.js';

/** binaryen, loaded before any module that imports this one runs (a
 *  top-level await, as the plain `import binaryen from 'binaryen'` was),
 *  through the code cache of binaryen-loader.ts. */
export const binaryenLoad = await loadBinaryen();
export const binaryen: typeof Binaryen = loaded;
