/**
 * Imported first by the `hyemu` command, before anything else loads: a
 * SIGUSR1 listener must exist from the start, because without one Node
 * answers SIGUSR1 by opening its inspector on 127.0.0.1:9229, and whoever
 * can signal the process could then run code in it. A signal that arrives
 * before a guest runs takes the default action a Linux process would
 * (SIGUSR1: end with status 128+10); while a guest runs, `forwardSignals`
 * hands the host signals a process can be sent from outside to the guest.
 *
 * Signals the process inherited as ignored stay ignored, as an exec keeps
 * them: Node resets signals 1..31 to SIG_DFL before any JavaScript runs, so
 * the `hyemu` launcher (bin/hyemu) reads them first and passes them in
 * HYEMU_INHERITED_SIGIGN, taken out of the environment here.
 */

/** Host signals passed on to a running guest. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const;
type Forwarded = (typeof FORWARDED_SIGNALS)[number];

/** The launcher's variable: SigIgn of /proc/self/status, in hex. */
export const INHERITED_SIGIGN_VAR = 'HYEMU_INHERITED_SIGIGN';

/**
 * Inherited-ignored host signals the host keeps ignoring, by number: those
 * that would otherwise end or stop it when sent. Not among them: faults and
 * SIGABRT (a handler that returns would hide a crash of Node itself), SIGPIPE
 * and SIGXFSZ (Node ignores them already), SIGTTIN/SIGTTOU (caught with
 * SA_RESTART, a background read of the terminal would be re-signalled
 * forever instead of failing with EIO), SIGPROF (V8's profiler), and the
 * signals whose default is to do nothing. Node leaves real-time ones alone.
 */
const KEPT_IGNORED: Readonly<Record<number, NodeJS.Signals>> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 10: 'SIGUSR1', 12: 'SIGUSR2', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 20: 'SIGTSTP', 24: 'SIGXCPU', 26: 'SIGVTALRM', 29: 'SIGIO', 30: 'SIGPWR',
};

/** The signals (1..64) hyemu inherited as ignored, from the launcher; none
 *  when started without it (`node dist/lib/cli/bin.cjs`). */
export const inheritedIgnored: readonly number[] = takeInherited();

function takeInherited(): number[] {
  const text = process.env[INHERITED_SIGIGN_VAR];
  delete process.env[INHERITED_SIGIGN_VAR];
  if (text === undefined || !/^[0-9a-f]{1,16}$/i.test(text)) return [];
  const mask = BigInt(`0x${text}`);
  const out: number[] = [];
  // SIGKILL and SIGSTOP cannot be ignored: a mask saying so is not Linux's.
  for (let s = 1; s <= 64; s++) if (mask & (1n << BigInt(s - 1)) && s !== 9 && s !== 19) out.push(s);
  return out;
}

const SIGUSR1 = 10;
const usr1Ignored = inheritedIgnored.includes(SIGUSR1);
let target: ((signal: Forwarded) => void) | null = null;

process.on('SIGUSR1', () => {
  if (target) target('SIGUSR1');
  else if (!usr1Ignored) process.exit(128 + SIGUSR1);
});
// A listener that does nothing: Node then neither dies nor stops.
for (const s of inheritedIgnored) if (s !== SIGUSR1 && KEPT_IGNORED[s]) process.on(KEPT_IGNORED[s], () => {});

/** Sends the forwarded host signals to `deliver` until the returned
 *  function is called. */
export function forwardSignals(deliver: (signal: Forwarded) => void): () => void {
  target = deliver;
  const listeners = FORWARDED_SIGNALS.filter((s) => s !== 'SIGUSR1').map((s) => {
    const listener = (): void => deliver(s);
    process.on(s, listener);
    return [s, listener] as const;
  });
  return () => {
    target = null;
    for (const [s, listener] of listeners) process.off(s, listener);
  };
}
