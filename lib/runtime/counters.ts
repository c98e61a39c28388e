/** The user counter CSRs. cycle and instret both count retired
 *  instructions (deterministic, and what a one-instruction-per-cycle core
 *  would show); time ticks at 10 MHz from the start of the run, the
 *  timebase of QEMU's virt machine. */
const TIMEBASE_HZ = 10_000_000n;

export function readCounter(csr: number, retired: number, startNs: bigint): number {
  switch (csr) {
    case 0xc00: case 0xc02: return retired | 0;
    case 0xc80: case 0xc82: return Math.floor(retired / 2 ** 32) | 0;
    case 0xc01: case 0xc81: {
      const ticks = ((process.hrtime.bigint() - startNs) * TIMEBASE_HZ) / 1_000_000_000n;
      return Number(BigInt.asIntN(32, csr === 0xc01 ? ticks : ticks >> 32n));
    }
    default: return 0;
  }
}
