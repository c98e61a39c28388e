/**
 * How a guest thread on a CPU worker asks the kernel (on the main thread)
 * for something and waits for the answer: a request block in a
 * SharedArrayBuffer per CPU, a doorbell all CPUs ring, and Atomics.wait /
 * Atomics.notify. The worker blocks in its request, as a Linux thread
 * blocks in a system call; the main thread serves requests between its own
 * slices and whenever its event loop is idle (Atomics.waitAsync on the
 * doorbell), so a request waits at most about one slice of the main thread.
 */

/** Int32 slots of a CPU's control block. */
export const CTL = {
  /** IDLE, REQUEST (the worker asks), SERVING, REPLIED. */
  STATUS: 0,
  KIND: 1,
  /** The system call number, or the signal of a fault. */
  NR: 2,
  /** a0..a5 of a system call; a fault's pc and address; delivery's pc. */
  ARGS: 3,
  RESULT: 9,
  /** REPLY bits. */
  FLAGS: 10,
  /** With REPLY.REDIRECT: the pc the thread resumes at. */
  RESUME_PC: 11,
  /** Set by the main thread at any time: a signal waits for this thread. */
  ATTENTION: 12,
  /** Set by the main thread at any time: the process is ending. */
  STOP: 13,
} as const;
export const CTL_SLOTS = 16;
/** After the Int32 slots (BigInt64): the instructions the thread retired,
 *  and of those, in tier-2 traces. */
const RETIRED_BYTE = CTL_SLOTS * 4;
export const CTL_BYTES = RETIRED_BYTE + 16;

export const STATUS = { IDLE: 0, REQUEST: 1, SERVING: 2, REPLIED: 3 } as const;
export const REQUEST = { SYSCALL: 0, FAULT: 1, DELIVER: 2 } as const;
export const REPLY = {
  /** The thread ends (it exited, or the process did). */
  STOP: 1,
  /** Resume at RESUME_PC (a handler, a sigreturn). */
  REDIRECT: 2,
  /** A signal is to be delivered before the next instruction. */
  ATTENTION: 4,
} as const;

/** The shared buffers of one CPU: its control block and the doorbell. */
export interface CpuChannelBuffers {
  readonly control: SharedArrayBuffer;
  readonly doorbell: SharedArrayBuffer;
}

export function createChannelBuffers(doorbell: SharedArrayBuffer): CpuChannelBuffers {
  return { control: new SharedArrayBuffer(CTL_BYTES), doorbell };
}

export interface Reply {
  readonly result: number;
  readonly flags: number;
  readonly resumePc: number;
}

/** The worker's end. */
export class CpuChannel {
  readonly ctl: Int32Array;
  private readonly bell: Int32Array;
  private readonly retired: BigInt64Array;

  constructor(buffers: CpuChannelBuffers) {
    this.ctl = new Int32Array(buffers.control, 0, CTL_SLOTS);
    this.retired = new BigInt64Array(buffers.control, RETIRED_BYTE, 2);
    this.bell = new Int32Array(buffers.doorbell);
  }

  /** Asks and blocks until the kernel replies. */
  request(kind: number, nr: number, args: readonly number[]): Reply {
    const c = this.ctl;
    c[CTL.KIND] = kind;
    c[CTL.NR] = nr;
    for (let i = 0; i < 6; i++) c[CTL.ARGS + i] = args[i] ?? 0;
    Atomics.store(c, CTL.STATUS, STATUS.REQUEST);
    Atomics.add(this.bell, 0, 1);
    Atomics.notify(this.bell, 0);
    for (;;) {
      const s = Atomics.load(c, CTL.STATUS);
      if (s === STATUS.REPLIED) break;
      Atomics.wait(c, CTL.STATUS, s);
    }
    const reply = { result: c[CTL.RESULT]!, flags: c[CTL.FLAGS]!, resumePc: c[CTL.RESUME_PC]! >>> 0 };
    Atomics.store(c, CTL.STATUS, STATUS.IDLE);
    return reply;
  }

  get attention(): boolean {
    return Atomics.load(this.ctl, CTL.ATTENTION) !== 0;
  }

  get stopping(): boolean {
    return Atomics.load(this.ctl, CTL.STOP) !== 0;
  }

  publishRetired(n: number, inTraces: number): void {
    Atomics.store(this.retired, 0, BigInt(n));
    Atomics.store(this.retired, 1, BigInt(inTraces));
  }
}

/** The kernel's end of one CPU's channel. */
export class CpuChannelHost {
  readonly ctl: Int32Array;
  private readonly retiredView: BigInt64Array;

  constructor(readonly buffers: CpuChannelBuffers) {
    this.ctl = new Int32Array(buffers.control, 0, CTL_SLOTS);
    this.retiredView = new BigInt64Array(buffers.control, RETIRED_BYTE, 2);
  }

  /** A new request, now marked as being served; null if none. */
  take(): { kind: number; nr: number; args: number[] } | null {
    const c = this.ctl;
    if (Atomics.compareExchange(c, CTL.STATUS, STATUS.REQUEST, STATUS.SERVING) !== STATUS.REQUEST) return null;
    return { kind: c[CTL.KIND]!, nr: c[CTL.NR]!, args: Array.from(c.subarray(CTL.ARGS, CTL.ARGS + 6)) };
  }

  reply(r: Reply): void {
    const c = this.ctl;
    c[CTL.RESULT] = r.result;
    c[CTL.FLAGS] = r.flags;
    c[CTL.RESUME_PC] = r.resumePc;
    Atomics.store(c, CTL.STATUS, STATUS.REPLIED);
    Atomics.notify(c, CTL.STATUS);
  }

  setAttention(on: boolean): void {
    Atomics.store(this.ctl, CTL.ATTENTION, on ? 1 : 0);
  }

  /** The process is ending: the CPU stops at its next check, and a request
   *  it is blocked in is answered with STOP. */
  stop(): void {
    Atomics.store(this.ctl, CTL.STOP, 1);
    if (Atomics.load(this.ctl, CTL.STATUS) !== STATUS.IDLE) this.reply({ result: 0, flags: REPLY.STOP, resumePc: 0 });
  }

  get retired(): number {
    return Number(Atomics.load(this.retiredView, 0));
  }

  get retiredInTraces(): number {
    return Number(Atomics.load(this.retiredView, 1));
  }
}
