/**
 * mulberry32: a small seeded PRNG, so that every randomized test reproduces
 * from its seed. `prng32` returns unsigned 32-bit values, `prng` the same
 * sequence as numbers in [0, 1).
 */
export function prng32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
}

export function prng(seed: number): () => number {
  const next = prng32(seed);
  return () => next() / 4294967296;
}
