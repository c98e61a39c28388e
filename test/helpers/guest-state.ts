import type { Emulator } from '../../lib/index.js';
import { GUEST_BASE, STATE } from '../../lib/runtime/layout.js';

/** What the tier comparisons compare: x1..x31 and the reservation, and a
 *  data buffer (hex). */
export interface GuestState {
  readonly regs: number[];
  readonly data: string;
}

export function captureState(emu: Emulator, dataAddr: number, dataSize: number): GuestState {
  const s = emu.space.state;
  const data = Buffer.from(emu.space.bytes.slice(GUEST_BASE + dataAddr, GUEST_BASE + dataAddr + dataSize)).toString('hex');
  return { regs: [...s.slice(1, 32), s[STATE.RESERVATION]!], data };
}
