import type { BinaryOp, Condition } from './types.js';

/**
 * The reference semantics of IR arithmetic, on signed 32-bit integers. The
 * builder folds constants with these functions, the IR interpreter runs them,
 * and the tests check each back end against them.
 */

/** High 32 bits of the unsigned 64-bit product, exact without BigInt. */
export function mulhu(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const lh = al * bh, hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

export function mulhs(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}

/** RISC-V division: x/0 = -1, INT_MIN/-1 = INT_MIN. */
export function divs(a: number, b: number): number {
  if (b === 0) return -1;
  if (a === -0x80000000 && b === -1) return a;
  return (a / b) | 0;
}

export function divu(a: number, b: number): number {
  if (b === 0) return -1;
  return ((a >>> 0) / (b >>> 0)) | 0;
}

/** RISC-V remainder: x%0 = x, INT_MIN%-1 = 0; the sign follows the dividend. */
export function rems(a: number, b: number): number {
  if (b === 0) return a;
  if (b === -1) return 0;
  return (a % b) | 0;
}

export function remu(a: number, b: number): number {
  if (b === 0) return a;
  return ((a >>> 0) % (b >>> 0)) | 0;
}

export function evalBinary(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add': return (a + b) | 0;
    case 'sub': return (a - b) | 0;
    case 'and': return a & b;
    case 'or': return a | b;
    case 'xor': return a ^ b;
    case 'shl': return a << (b & 31);
    case 'shr': return (a >>> (b & 31)) | 0;
    case 'sar': return a >> (b & 31);
    case 'mul': return Math.imul(a, b);
    case 'mulhs': return mulhs(a, b);
    case 'mulhu': return mulhu(a, b);
    case 'mulhsu': return mulhsu(a, b);
    case 'divs': return divs(a, b);
    case 'divu': return divu(a, b);
    case 'rems': return rems(a, b);
    case 'remu': return remu(a, b);
  }
}

export function evalCondition(cond: Condition, a: number, b: number): boolean {
  switch (cond) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'lt': return a < b;
    case 'ge': return a >= b;
    case 'ltu': return a >>> 0 < b >>> 0;
    case 'geu': return a >>> 0 >= b >>> 0;
  }
}
