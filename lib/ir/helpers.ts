import type { HelperName, Type } from './types.js';

/** Signatures of the runtime helpers IR may call. Each back end binds these
 *  names to an implementation; the verifier checks calls against them. */
export interface HelperSignature {
  readonly params: readonly Type[];
  readonly result: Type | null;
  readonly description: string;
}

export const HELPERS: Readonly<Record<HelperName, HelperSignature>> = {
  read_counter: {
    params: ['i32', 'i32'],
    result: 'i32',
    description:
      'read_counter(csr, retired) reads a user counter CSR (cycle, time, instret and their h halves); ' +
      '`retired` is the number of instructions of the block retired before this one',
  },
};
