/** Linux signal numbers (generic, as on RISC-V). */
export const SIGNALS = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22,
  SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29,
  SIGPWR: 30, SIGSYS: 31,
} as const;

export type SignalName = keyof typeof SIGNALS;

/** Real-time signals SIGRTMIN..SIGRTMAX (as the kernel numbers them). */
export const SIGRTMIN = 32, SIGRTMAX = 64;

/** A signal's name: SIGUSR1, or SIGRTMIN+n for a real-time one. */
export function signalName(signo: number): string {
  for (const [name, n] of Object.entries(SIGNALS)) if (n === signo) return name;
  if (signo >= SIGRTMIN && signo <= SIGRTMAX) return signo === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${signo - SIGRTMIN}`;
  return `signal ${signo}`;
}

/** What a signal means, for the one-line report (the strsignal texts). */
export const SIGNAL_DESCRIPTIONS: Readonly<Record<SignalName, string>> = {
  SIGHUP: 'Hangup', SIGINT: 'Interrupt', SIGQUIT: 'Quit', SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap', SIGABRT: 'Aborted', SIGBUS: 'Bus error', SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed', SIGUSR1: 'User defined signal 1', SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2', SIGPIPE: 'Broken pipe', SIGALRM: 'Alarm clock', SIGTERM: 'Terminated',
  SIGSTKFLT: 'Stack fault', SIGCHLD: 'Child exited', SIGCONT: 'Continued', SIGSTOP: 'Stopped (signal)',
  SIGTSTP: 'Stopped', SIGTTIN: 'Stopped (tty input)', SIGTTOU: 'Stopped (tty output)',
  SIGURG: 'Urgent I/O condition', SIGXCPU: 'CPU time limit exceeded', SIGXFSZ: 'File size limit exceeded',
  SIGVTALRM: 'Virtual timer expired', SIGPROF: 'Profiling timer expired', SIGWINCH: 'Window changed',
  SIGIO: 'I/O possible', SIGPWR: 'Power failure', SIGSYS: 'Bad system call',
};

/** The description of any signal number, real-time ones included. */
export function describeSignal(signo: number): string {
  const name = signalName(signo);
  if (name in SIGNAL_DESCRIPTIONS) return SIGNAL_DESCRIPTIONS[name as SignalName];
  return signo >= SIGRTMIN && signo <= SIGRTMAX ? `Real-time signal ${signo - SIGRTMIN}` : `Unknown signal ${signo}`;
}

/** Linux's default action of each signal that is not "terminate". */
const DEFAULT_ACTIONS: Readonly<Partial<Record<SignalName, 'ignore' | 'stop'>>> = {
  SIGCHLD: 'ignore', SIGCONT: 'ignore', SIGURG: 'ignore', SIGWINCH: 'ignore',
  SIGSTOP: 'stop', SIGTSTP: 'stop', SIGTTIN: 'stop', SIGTTOU: 'stop',
};

/** What happens to a process that does not handle `signo`: it ends
 *  (with or without a core dump, the same to us), ignores it, or stops. */
export function defaultAction(signo: number): 'terminate' | 'ignore' | 'stop' {
  return DEFAULT_ACTIONS[signalName(signo) as SignalName] ?? 'terminate';
}

/** sa_flags bits (asm-generic/signal.h). */
export const SA = {
  NOCLDSTOP: 0x1, NOCLDWAIT: 0x2, SIGINFO: 0x4, ONSTACK: 0x08000000, RESTART: 0x10000000,
  NODEFER: 0x40000000, RESETHAND: 0x80000000,
} as const;

/** si_code values (asm-generic/siginfo.h). */
export const SI = {
  USER: 0, KERNEL: 0x80, QUEUE: -1, TIMER: -2, TKILL: -6,
  SEGV_MAPERR: 1, SEGV_ACCERR: 2, BUS_ADRALN: 1, ILL_ILLOPC: 1, TRAP_BRKPT: 1,
} as const;

export const SIG_DFL = 0;
export const SIG_IGN = 1;

/** The bit of `signo` in a sigset_t. */
export const sigbit = (signo: number): bigint => 1n << BigInt(signo - 1);

/** Signals that can be neither caught, blocked nor ignored. */
export const UNBLOCKABLE = sigbit(SIGNALS.SIGKILL) | sigbit(SIGNALS.SIGSTOP);

/** Faults the CPU raises: Linux dequeues these before any other pending
 *  signal (SYNCHRONOUS_MASK). */
export const SYNCHRONOUS = [SIGNALS.SIGSEGV, SIGNALS.SIGBUS, SIGNALS.SIGILL, SIGNALS.SIGTRAP, SIGNALS.SIGFPE, SIGNALS.SIGSYS];

/**
 * A synchronous guest fault, thrown from translated code and caught by the
 * run loop, which delivers it to the guest's handler or ends the guest as
 * the default action does. A plain object, not an Error: the stack of the
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
