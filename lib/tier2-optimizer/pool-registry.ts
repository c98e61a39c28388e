import type { Tier2Pool } from './pool.js';

/**
 * The compiler pools this process shares, by worker count (pool.ts fills
 * it). Apart from pool.ts, which loads piscina, so that a run can ask
 * whether a pool runs without loading piscina: most short runs never start
 * one, and piscina's load (its modules and the builtins they require) was
 * ~4 ms of hello's run with tier 2 on.
 */
export const sharedPools = new Map<number, { pool: Tier2Pool; users: number }>();

/** Whether this process runs a shared pool of `workers` threads already. */
export const poolRunning = (workers: number): boolean => sharedPools.has(workers);
