import fs from 'node:fs';

/**
 * hyemu's own messages on the host's stderr, written to descriptor 2
 * directly. Node's process.stderr would put a pipe on fd 2 into
 * non-blocking mode, which the guest (writing to the same descriptor) and
 * every other process sharing the pipe would then see; and going through
 * the descriptor keeps our lines in order with the guest's output.
 */
export function writeErr(text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let done = 0;
  let spins = 0;
  while (done < bytes.length) {
    try {
      done += fs.writeSync(2, bytes, done, bytes.length - done);
    } catch (e) {
      // EAGAIN: someone left the descriptor non-blocking; retry a while.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || ++spins > 10_000) return;
    }
  }
}
