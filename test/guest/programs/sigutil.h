/* Linux rv32 signals on raw system calls, for the signal test programs
 * (picolibc's <signal.h> has its own numbering and runs handlers itself).
 * The frame layout is the kernel's: uc_mcontext's registers start 160
 * bytes into the ucontext, pc first, then x1..x31. */
#ifndef HYEMU_SIGUTIL_H
#define HYEMU_SIGUTIL_H

#include <stdint.h>
#include "linux_syscall.h"

#define L_SIGHUP 1
#define L_SIGINT 2
#define L_SIGILL 4
#define L_SIGTRAP 5
#define L_SIGBUS 7
#define L_SIGKILL 9
#define L_SIGUSR1 10
#define L_SIGSEGV 11
#define L_SIGUSR2 12
#define L_SIGPIPE 13
#define L_SIGALRM 14
#define L_SIGTERM 15
#define L_SIGCHLD 17
#define L_SIGRTMIN 32

#define L_SA_SIGINFO 0x4
#define L_SA_ONSTACK 0x08000000
#define L_SA_RESTART 0x10000000
#define L_SA_NODEFER 0x40000000
#define L_SA_RESETHAND 0x80000000u

#define L_SIG_BLOCK 0
#define L_SIG_UNBLOCK 1
#define L_SIG_SETMASK 2
#define L_SIG_DFL ((void *)0)
#define L_SIG_IGN ((void *)1)

#define L_EINTR 4
#define L_EPIPE 32

#define L_SI_USER 0
#define L_SI_QUEUE -1
#define L_SI_TIMER -2
#define L_SI_TKILL -6
#define L_SIGEV_SIGNAL 0
#define L_SIGEV_NONE 1
#define L_SIGEV_THREAD_ID 4
#define L_CLOCK_REALTIME 0
#define L_CLOCK_MONOTONIC 1
#define L_TIMER_ABSTIME 1
#define L_RLIMIT_SIGPENDING 11

#define SYS_setitimer_ 103
#define SYS_getitimer_ 102
#define SYS_sigaltstack_ 132
#define SYS_rt_sigsuspend_ 133
#define SYS_rt_sigpending_ 136
#define SYS_tgkill_ 131
#define SYS_pipe2_ 59
#define SYS_clock_nanosleep_ 407
#define SYS_timer_create_ 107
#define SYS_timer_getoverrun_ 109
#define SYS_timer_delete_ 111
#define SYS_rt_sigqueueinfo_ 138
#define SYS_rt_tgsigqueueinfo_ 240
#define SYS_prlimit64_ 261
#define SYS_timer_gettime64_ 408
#define SYS_timer_settime64_ 409

/* siginfo_t's head: si_addr or si_pid (si_timerid for SI_TIMER), si_uid
 * (si_overrun), si_value. */
typedef struct { int32_t signo, errno_, code; uint32_t addr_or_pid; uint32_t uid; int32_t value; } linfo_t;
/* The kernel's struct sigevent (64 bytes) and __kernel_itimerspec. */
typedef struct { int32_t value, signo, notify, tid; int32_t pad[12]; } lsigevent_t;
typedef struct { int64_t sec, nsec; } lts_t;
typedef struct { lts_t interval, value; } litimerspec_t;
typedef struct { void *sp; int flags; uint32_t size; } lstack_t;
typedef struct { void *handler; unsigned long flags; uint64_t mask; } lsigaction_t;

/* The saved registers of a handler's ucontext: [0] is the pc, [r] is x_r. */
static inline unsigned long *uc_regs(void *uc) { return (unsigned long *)((char *)uc + 160); }
static inline uint64_t *uc_mask(void *uc) { return (uint64_t *)((char *)uc + 20); }

static inline uint64_t bit(int sig) { return 1ull << (sig - 1); }

static inline long l_sigaction(int sig, void *handler, unsigned long flags, uint64_t mask, lsigaction_t *old)
{
	lsigaction_t a = { handler, flags, mask };
	return linux_syscall4(SYS_rt_sigaction, sig, handler == (void *)-1 ? 0 : (long)&a, (long)old, 8);
}
static inline long l_sigprocmask(int how, uint64_t set, uint64_t *old)
{
	return linux_syscall4(SYS_rt_sigprocmask, how, (long)&set, (long)old, 8);
}
static inline uint64_t l_blocked(void)
{
	uint64_t old = 0;
	linux_syscall4(SYS_rt_sigprocmask, L_SIG_BLOCK, 0, (long)&old, 8);
	return old;
}
static inline uint64_t l_sigpending(void)
{
	uint64_t set = 0;
	linux_syscall2(SYS_rt_sigpending_, (long)&set, 8);
	return set;
}
static inline long l_getpid(void) { return linux_syscall0(SYS_getpid); }
static inline long l_raise(int sig) { return linux_syscall2(SYS_kill, l_getpid(), sig); }
static inline long l_tgkill(int sig) { return linux_syscall3(SYS_tgkill_, l_getpid(), l_getpid(), sig); }
static inline long l_setitimer(long value_us, long interval_us)
{
	int32_t v[4] = { interval_us / 1000000, interval_us % 1000000, value_us / 1000000, value_us % 1000000 };
	return linux_syscall3(SYS_setitimer_, 0, (long)v, 0);
}
static inline void l_exit(int code) { linux_syscall1(SYS_exit_group, code); }

static inline int64_t l_clock_ns(int clock)
{
	int64_t ts[2];
	linux_syscall2(SYS_clock_gettime64, clock, (long)ts);
	return ts[0] * 1000000000ll + ts[1];
}
/* Spins (making clock calls) for `ms` milliseconds. */
static inline void l_spin_ms(long ms)
{
	int64_t end = l_clock_ns(L_CLOCK_MONOTONIC) + ms * 1000000ll;
	while (l_clock_ns(L_CLOCK_MONOTONIC) < end) {}
}
static inline void l_sleep_ms(long ms)
{
	int64_t req[2] = { ms / 1000, (ms % 1000) * 1000000 };
	linux_syscall4(SYS_clock_nanosleep_, L_CLOCK_MONOTONIC, 0, (long)req, 0);
}
static inline long l_timer_create(int clock, lsigevent_t *ev, int *id) { return linux_syscall3(SYS_timer_create_, clock, (long)ev, (long)id); }
/* timer_settime with value and interval in nanoseconds. */
static inline long l_timer_set(int id, int flags, int64_t value_ns, int64_t interval_ns, litimerspec_t *old)
{
	litimerspec_t t = { { interval_ns / 1000000000, interval_ns % 1000000000 }, { value_ns / 1000000000, value_ns % 1000000000 } };
	return linux_syscall4(SYS_timer_settime64_, id, flags, (long)&t, (long)old);
}
static inline long l_timer_get(int id, litimerspec_t *cur) { return linux_syscall2(SYS_timer_gettime64_, id, (long)cur); }
static inline long l_timer_delete(int id) { return linux_syscall1(SYS_timer_delete_, id); }
static inline int64_t ts_ns(lts_t t) { return t.sec * 1000000000ll + t.nsec; }
/* rt_sigqueueinfo with si_code `code`, si_value `value` and si_pid 777. */
static inline long l_sigqueue(long pid, int sig, int code, int value)
{
	int32_t info[32] = { 0 };
	info[2] = code;
	info[3] = 777;
	info[5] = value;
	return linux_syscall3(SYS_rt_sigqueueinfo_, pid, sig, (long)info);
}

/* The length of the instruction at pc (2 for a compressed one). */
static inline unsigned insn_len(unsigned long pc) { return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2; }

#endif
