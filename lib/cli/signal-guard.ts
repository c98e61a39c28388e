/**
 * Imported first by the `hyemu` command, before anything else loads: a
 * SIGUSR1 listener must exist from the start, because without one Node
 * answers SIGUSR1 by opening its inspector on 127.0.0.1:9229, and whoever
 * can signal the process could then run code in it. A signal that arrives
 * before a guest runs takes the default action a Linux process would
 * (SIGUSR1: end with status 128+10); while a guest runs, `forwardSignals`
 * hands the host signals a process can be sent from outside to the guest.
 */

/** Host signals passed on to a running guest. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const;
type Forwarded = (typeof FORWARDED_SIGNALS)[number];

const SIGUSR1 = 10;
let target: ((signal: Forwarded) => void) | null = null;

process.on('SIGUSR1', () => {
  if (target) target('SIGUSR1');
  else process.exit(128 + SIGUSR1);
});

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
