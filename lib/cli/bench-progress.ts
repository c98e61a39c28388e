import cliProgress from 'cli-progress';

/** The bench's progress bar on stderr; silent when stderr is not a terminal or with --quiet. */
export function benchProgress(quiet: boolean): { update: (done: number, total: number, what: string) => void; stop: () => void } {
  if (quiet || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'hyemu bench [{bar}] {value}/{total} runs | ETA {eta_formatted} | {what}',
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 20,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total, what) {
      if (!started) {
        bar.start(total, done, { what });
        started = true;
      } else {
        bar.update(done, { what });
      }
    },
    stop: () => bar.stop(),
  };
}
