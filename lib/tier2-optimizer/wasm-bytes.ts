import { RUN_PARAMS } from './trace-abi.js';

/**
 * The few pieces of the WebAssembly binary format the main thread's two
 * hand-made modules need (the trace trampoline and the missing-trace
 * stand-in): the main thread never loads binaryen, and these modules are a
 * handful of bytes.
 */

export const I32 = 0x7f;
const FUNC = 0x60;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function name(s: string): number[] {
  return [...uleb(s.length), ...Buffer.from(s, 'latin1')];
}

export function vector(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function section(id: number, contents: readonly number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

export const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;
export const IMPORT_KIND = { func: 0x00, table: 0x01, memory: 0x02 } as const;

/** A function type of `params` i32s returning one i32. */
export function i32FunctionType(params: number): number[] {
  return [FUNC, ...uleb(params), ...new Array<number>(params).fill(I32), 1, I32];
}

/** A trace's function type: run(fuel, retired, entry, x1..x31) -> exit. */
export const TRACE_TYPE = i32FunctionType(RUN_PARAMS);

export function module(...sections: number[][]): Uint8Array<ArrayBuffer> {
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}
