/** ABI names of the integer registers, for the disassembler and dumps. */
export const REG_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2',
  's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7',
  's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** Registers of the Linux system call and signal conventions. */
export const REG_RA = 1;
export const REG_SP = 2;
export const REG_A0 = 10;
export const REG_A7 = 17;

/** User counter CSRs (Zicsr + Zicntr, read-only in user mode). */
export const COUNTER_CSRS: Readonly<Record<number, string>> = {
  0xc00: 'cycle', 0xc01: 'time', 0xc02: 'instret',
  0xc80: 'cycleh', 0xc81: 'timeh', 0xc82: 'instreth',
};
