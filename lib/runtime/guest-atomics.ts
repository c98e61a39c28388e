import { ATOMIC_OPS, type AtomicOp } from '../ir/types.js';

/**
 * The IR's atomic operations on the shared memory, as JavaScript Atomics
 * (tier 1, and tier 2's slow path). `i` is the index of an aligned word in
 * an Int32Array over the whole memory. min/max have no Atomics operation:
 * they retry a compare-and-swap until no other thread wrote in between.
 */
type AtomicRmw = (m: Int32Array, i: number, v: number, expected: number) => number;

const minMax = (keepOld: (old: number, v: number) => boolean): AtomicRmw => (m, i, v) => {
  for (;;) {
    const old = Atomics.load(m, i);
    if (keepOld(old, v) || Atomics.compareExchange(m, i, old, v) === old) return old;
  }
};

const RMW: Readonly<Record<AtomicOp, AtomicRmw>> = {
  swap: (m, i, v) => Atomics.exchange(m, i, v),
  add: (m, i, v) => Atomics.add(m, i, v),
  xor: (m, i, v) => Atomics.xor(m, i, v),
  and: (m, i, v) => Atomics.and(m, i, v),
  or: (m, i, v) => Atomics.or(m, i, v),
  min: minMax((old, v) => old <= v),
  max: minMax((old, v) => old >= v),
  minu: minMax((old, v) => old >>> 0 <= v >>> 0),
  maxu: minMax((old, v) => old >>> 0 >= v >>> 0),
  cas: (m, i, v, expected) => Atomics.compareExchange(m, i, expected, v),
};

/** By ATOMIC_OPS index, the form generated code passes. */
export const ATOMIC_RMW: readonly AtomicRmw[] = ATOMIC_OPS.map((op) => RMW[op]);
