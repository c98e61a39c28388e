import type { Readable, Writable } from 'node:stream';
import { E } from '../syscalls/errno.js';

/** Most bytes one write hands to a Node stream. */
const MAX_CHUNK = 1 << 20;

/** Where guest stdin bytes come from. */
export interface ByteSource {
  readonly isTTY: boolean;
  /** Copies up to dst.length bytes; 0 at end of input; may wait, until
   *  `interrupt` aborts (-EINTR). */
  read(dst: Uint8Array, interrupt?: AbortSignal): number | Promise<number>;
  /** Stops listening to the underlying stream. */
  detach(): void;
}

/** Where guest stdout/stderr bytes go. */
export interface ByteSink {
  readonly isTTY: boolean;
  /** Takes a copy of src; returns bytes written or -EPIPE; may wait. */
  write(src: Uint8Array): number | Promise<number>;
}

export class BufferSource implements ByteSource {
  readonly isTTY = false;
  private offset = 0;

  constructor(private readonly data: Uint8Array) {}

  read(dst: Uint8Array): number {
    const n = Math.min(dst.length, this.data.length - this.offset);
    dst.set(this.data.subarray(this.offset, this.offset + n));
    this.offset += n;
    return n;
  }

  detach(): void {}
}

/** Reads a Node stream on demand: nothing is attached until the guest
 *  first reads, and `detach` lets the host process exit afterwards. */
export class StreamSource implements ByteSource {
  readonly isTTY: boolean;
  private pending: Buffer | null = null;
  private ended = false;
  private attached = false;
  private wake: (() => void) | null = null;
  private readonly onReadable = (): void => this.notify();
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };

  constructor(private readonly stream: Readable) {
    this.isTTY = !!(stream as { isTTY?: boolean }).isTTY;
  }

  read(dst: Uint8Array, interrupt?: AbortSignal): number | Promise<number> {
    if (dst.length === 0) return 0;
    const n = this.take(dst);
    if (n > 0 || this.ended) return n;
    if (interrupt?.aborted) return -E.EINTR;
    this.attach();
    return new Promise<number>((resolve) => {
      // Interrupted, the read takes nothing: the bytes stay for the next.
      const onInterrupt = (): void => {
        this.wake = null;
        resolve(-E.EINTR);
      };
      const retry = (): void => {
        const got = this.take(dst);
        if (got > 0 || this.ended) {
          interrupt?.removeEventListener('abort', onInterrupt);
          resolve(got);
        } else {
          this.wake = retry;
        }
      };
      interrupt?.addEventListener('abort', onInterrupt, { once: true });
      this.wake = retry;
      // Data may have been buffered by the stream before we listened.
      this.notify();
    });
  }

  private take(dst: Uint8Array): number {
    if (!this.pending || this.pending.length === 0) {
      this.pending = this.attached ? (this.stream.read() as Buffer | null) : null;
      if (this.pending !== null && typeof this.pending === 'string') this.pending = Buffer.from(this.pending);
    }
    if (!this.pending) return 0;
    const n = Math.min(dst.length, this.pending.length);
    dst.set(this.pending.subarray(0, n));
    this.pending = this.pending.subarray(n);
    return n;
  }

  private attach(): void {
    if (this.attached) return;
    this.attached = true;
    if (this.stream.readableEnded || this.stream.destroyed) this.ended = true;
    this.stream.on('readable', this.onReadable);
    this.stream.on('end', this.onEnd);
    this.stream.on('error', this.onEnd);
    this.stream.on('close', this.onEnd);
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Stops listening; bytes taken from the stream but not read by the
   *  guest go back to the stream for its next reader. */
  detach(): void {
    if (this.pending && this.pending.length > 0 && !this.stream.destroyed) this.stream.unshift(this.pending);
    this.pending = null;
    if (!this.attached) return;
    this.stream.off('readable', this.onReadable);
    this.stream.off('end', this.onEnd);
    this.stream.off('error', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.pause();
    (this.stream as { unref?: () => void }).unref?.();
    this.attached = false;
  }
}

/** Collects output in memory (the API's default), up to a cap. */
export class BufferSink implements ByteSink {
  readonly isTTY = false;
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(private readonly cap = 64 * 1024 * 1024) {}

  write(src: Uint8Array): number {
    const room = Math.max(0, this.cap - this.total);
    if (room > 0) {
      const take = src.subarray(0, Math.min(room, src.length));
      this.chunks.push(Buffer.from(take));
      this.total += take.length;
    }
    return src.length;
  }

  get contents(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Writes to a Node stream. A guest write returns once the stream has
 *  taken all of it (its write callback ran), so writes to two streams stay
 *  in the guest's order and nothing is left behind when the guest exits.
 *  Large writes go in pieces of at most MAX_CHUNK, each copied once, so the
 *  host never holds a copy of a huge write. A stream that errors (a closed
 *  pipe) makes this and further writes fail with EPIPE. */
export class StreamSink implements ByteSink {
  readonly isTTY: boolean;
  private broken = false;

  constructor(private readonly stream: Writable) {
    this.isTTY = !!(stream as { isTTY?: boolean }).isTTY;
    stream.on('error', () => {
      this.broken = true;
    });
  }

  async write(src: Uint8Array): Promise<number> {
    let done = 0;
    while (done < src.length) {
      const chunk = src.subarray(done, done + MAX_CHUNK);
      if (!(await this.writeChunk(Buffer.from(chunk)))) return done > 0 ? done : -E.EPIPE;
      done += chunk.length;
    }
    return done;
  }

  private writeChunk(chunk: Buffer): Promise<boolean> {
    if (this.broken || this.stream.destroyed || this.stream.writableEnded) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const settle = (ok: boolean): void => {
        this.stream.off('close', onClose);
        resolve(ok && !this.broken);
      };
      const onClose = (): void => settle(false);
      this.stream.once('close', onClose);
      this.stream.write(chunk, (err) => settle(!err));
    });
  }
}
