import fs from 'node:fs';
import { ElfError, HyemuError } from '../errors.js';

/** The largest program file read: far more than an rv32 guest can map
 *  (its address space ends below 1.1 GiB), and a bound on what a device or
 *  a huge sparse file given by mistake can make the host allocate. */
export const MAX_PROGRAM_FILE_BYTES = 1 << 30;

/**
 * Reads a program file. Only a regular file of a plausible size is read:
 * `/dev/zero` or a FIFO would never end, and a multi-GiB file is no rv32
 * program. The path may be bytes (a file name that is not UTF-8).
 */
export async function readProgramFile(path: string | Buffer): Promise<Uint8Array> {
  const name = typeof path === 'string' ? path : path.toString('latin1');
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw openError(name, e);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new ElfError(`${name}: is a directory`);
    if (!st.isFile()) throw new ElfError(`${name}: not a regular file`);
    if (st.size > MAX_PROGRAM_FILE_BYTES) {
      throw new ElfError(`${name}: too large for an rv32 program (${st.size} bytes; at most ${MAX_PROGRAM_FILE_BYTES})`);
    }
    // Read what stat promised and no more: a file that grows meanwhile
    // cannot make us allocate without bound.
    const bytes = Buffer.alloc(st.size);
    let done = 0;
    while (done < bytes.length) {
      const { bytesRead } = await handle.read(bytes, done, bytes.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return bytes.subarray(0, done);
  } catch (e) {
    if (e instanceof HyemuError) throw e;
    throw new ElfError(`${name}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    await handle.close();
  }
}

function openError(name: string, e: unknown): HyemuError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new HyemuError('FILE_NOT_FOUND', `${name}: no such file`);
  if (code === 'EACCES' || code === 'EPERM') return new ElfError(`${name}: permission denied`);
  if (code === 'EISDIR') return new ElfError(`${name}: is a directory`);
  return new ElfError(`${name}: cannot open (${code ?? 'error'})`);
}
