import { FILE_DATA_SYSCALLS } from './file-data.js';
import { FILE_SYSCALLS } from './fs.js';
import { FUTEX_SYSCALLS } from './futex.js';
import { MEMORY_SYSCALLS } from './memory.js';
import { PIPE_SYSCALLS } from './pipe.js';
import { PROCESS_SYSCALLS } from './process.js';
import { SIGNAL_SYSCALLS } from './signal.js';
import { THREAD_SYSCALLS } from './thread.js';
import { TIME_SYSCALLS } from './time.js';
import { TIMER_SYSCALLS } from './timer.js';
import type { SyscallGroup } from './types.js';

/** Every implemented system call by name; anything else is ENOSYS. */
export const SYSCALLS: SyscallGroup = {
  ...FILE_SYSCALLS,
  ...FILE_DATA_SYSCALLS,
  ...PIPE_SYSCALLS,
  ...MEMORY_SYSCALLS,
  ...PROCESS_SYSCALLS,
  ...THREAD_SYSCALLS,
  ...SIGNAL_SYSCALLS,
  ...TIME_SYSCALLS,
  ...TIMER_SYSCALLS,
  ...FUTEX_SYSCALLS,
};
