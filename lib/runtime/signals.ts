/** Linux signal numbers (generic, as on RISC-V) and guest faults. */
export const SIGNALS = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
} as const;

export type SignalName = keyof typeof SIGNALS;

export function signalName(signo: number): string {
  for (const [name, n] of Object.entries(SIGNALS)) if (n === signo) return name;
  return `signal ${signo}`;
}

/** What a signal means, for the one-line report. */
export const SIGNAL_DESCRIPTIONS: Partial<Record<SignalName, string>> = {
  SIGSEGV: 'Segmentation fault',
  SIGILL: 'Illegal instruction',
  SIGBUS: 'Bus error',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGKILL: 'Killed',
  SIGTERM: 'Terminated',
};

/**
 * A synchronous guest fault. Guests cannot install handlers that run (signal
 * actions are recorded only), so a fault ends the guest as the default
 * action does on Linux. Thrown from translated code and caught by the
 * dispatcher; it is a plain object, not an Error, because the stack of the
 * host code that noticed it means nothing.
 */
export class GuestFault {
  constructor(
    readonly signal: SignalName,
    /** Guest pc of the faulting instruction. */
    readonly pc: number,
    /** Faulting data or instruction address (0 when not meaningful). */
    readonly addr: number,
  ) {}
}
