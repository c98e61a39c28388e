/* Guest signals, one mode per run (argv[1]); the output is deterministic
 * and compared with qemu-riscv32's, in tier 1 and with tier 2:
 *   segv      a hot loop whose loads fault now and then; the handler sets
 *             the load's destination register to -1 and skips it
 *   ill       SIGILL and SIGTRAP handlers stepping over the instruction
 *   nested    signals raised inside handlers, with and without SA_NODEFER
 *   samask    sa_mask blocking a signal during a handler
 *   block     blocked signals stay pending, delivered on unblock; sigsuspend
 *   resethand SA_RESETHAND: the second signal takes the default action
 *   altstack  a stack overflow handled on the alternate stack
 *   alarm     setitimer interrupting a busy loop, one-shot and periodic
 *   timers    POSIX timers: a periodic one interrupting a busy loop, a
 *             TIMER_ABSTIME one-shot, timer_gettime, SIGEV_NONE and
 *             SIGEV_THREAD_ID, overruns, a signal pending when its timer
 *             is deleted or re-armed, an ignored one, bad arguments
 *   rtqueue   real-time signals queued while blocked (standard ones
 *             coalesce), their order, rt_sigqueueinfo
 *   linuxonly what qemu-user is no reference for: timer ids, the NULL
 *             sigevent's siginfo, rt_sigqueueinfo's siginfo kept as is,
 *             RLIMIT_SIGPENDING (see signals.test.ts)
 *   eintr     a pipe read and a sleep interrupted: EINTR, or SA_RESTART
 *   stdin     the same for a read of stdin
 *   futex     futex waits: value changed, timeouts, bad arguments, and a
 *             wait interrupted by SIGALRM (EINTR, or restarted)
 *   regs      a handler changing saved registers and the saved pc
 *   handlerfault  a SIGSEGV handler that faults itself (SIGSEGV blocked
 *             there): the process ends with SIGSEGV, as Linux forces it
 *   hotregs   a hot loop that sets twelve registers to values known from
 *             the iteration, then loads (faulting every 16th time): the
 *             handler checks every one of them in the saved context
 *   raise N   kill(self, N) without a handler: the default action
 *   blocked | ignored | pipe-ignored | pipe-blocked | pipe-handled
 *   fuzz SEED random sigaction/sigprocmask/kill/sigqueue sequences
 *   sigint    prints "ready", spins; its SIGINT handler prints, exits 3 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sigutil.h"

extern void __hyemu_stdio_flush(void);

static volatile int hits;
static char events[512];
static volatile int nevents;
static void note(char c) { if (nevents < (int)sizeof events - 1) events[nevents++] = c; }
static void show(const char *what)
{
	events[nevents] = 0;
	printf("%s: [%s]\n", what, events);
	nevents = 0;
}

/* ---- segv ---- */
static int load_dest(unsigned long pc)
{
	uint32_t insn = *(volatile uint16_t *)pc;
	if ((insn & 3) != 3) {
		if ((insn & 0xe003) == 0x4000) return ((insn >> 2) & 7) + 8; /* c.lw */
		if ((insn & 0xe003) == 0x4002) return (insn >> 7) & 31;       /* c.lwsp */
		return 0;
	}
	insn |= (uint32_t)*(volatile uint16_t *)(pc + 2) << 16;
	return (insn & 0x7f) == 0x03 ? (insn >> 7) & 31 : 0;
}

static unsigned codes[4];
static volatile unsigned long last_addr;
static void on_segv(int sig, linfo_t *info, void *uc)
{
	unsigned long *r = uc_regs(uc);
	(void)sig;
	hits++;
	codes[info->code & 3]++;
	last_addr = info->addr_or_pid;
	int rd = load_dest(r[0]);
	if (rd) r[rd] = (unsigned long)-1;
	r[0] += insn_len(r[0]);
}

static int data[64];
static void mode_segv(void)
{
	long none = linux_syscall6(SYS_mmap2, 0, 4096, 0 /* PROT_NONE */, 0x22, -1, 0);
	for (int i = 0; i < 64; i++) data[i] = i;
	l_sigaction(L_SIGSEGV, on_segv, L_SA_SIGINFO, 0, 0);
	long sum = 0;
	for (int i = 0; i < 50000; i++) {
		volatile int *p = i % 64 == 7 ? (volatile int *)0x104 : i % 64 == 40 ? (volatile int *)(none + 8) : &data[i & 63];
		sum += *p;
	}
	printf("segv: faults=%d maperr=%u accerr=%u sum=%ld last=%s\n", hits, codes[1], codes[2], sum,
	       last_addr == (unsigned long)none + 8 ? "none+8" : last_addr == 0x104 ? "0x104" : "?");
}

/* ---- ill ---- */
static int per_sig[32], code_ok, addr_ok;
static void on_trap(int sig, linfo_t *info, void *uc)
{
	unsigned long *r = uc_regs(uc);
	per_sig[sig]++;
	code_ok += info->code == 1;
	addr_ok += info->addr_or_pid == r[0];
	r[0] += insn_len(r[0]);
}

static void mode_ill(void)
{
	l_sigaction(L_SIGILL, on_trap, L_SA_SIGINFO, 0, 0);
	l_sigaction(L_SIGTRAP, on_trap, L_SA_SIGINFO, 0, 0);
	for (int i = 0; i < 3000; i++) {
		__asm__ volatile(".word 0x0000000b");
		__asm__ volatile(".option push\n.option norvc\nebreak\n.option pop");
		__asm__ volatile("c.ebreak");
		__asm__ volatile(".2byte 0");
	}
	printf("ill: SIGILL=%d SIGTRAP=%d codes ok=%d addrs ok=%d\n", per_sig[L_SIGILL], per_sig[L_SIGTRAP], code_ok, addr_ok);
}

/* ---- nested ---- */
static int again;
static void on_usr1(int sig)
{
	(void)sig;
	note('1');
	if (again == 1) { again = 0; l_raise(L_SIGUSR2); }
	if (again == 2) { again = 0; l_raise(L_SIGUSR1); }
	note('a');
}
static void on_usr2(int sig) { (void)sig; note('2'); note('b'); }

static void mode_nested(void)
{
	l_sigaction(L_SIGUSR2, on_usr2, 0, 0, 0);
	l_sigaction(L_SIGUSR1, on_usr1, 0, 0, 0);
	again = 1; l_raise(L_SIGUSR1); show("usr2 inside usr1");
	again = 2; l_raise(L_SIGUSR1); show("usr1 inside usr1, deferred");
	l_sigaction(L_SIGUSR1, on_usr1, L_SA_NODEFER, 0, 0);
	again = 2; l_raise(L_SIGUSR1); show("usr1 inside usr1, SA_NODEFER");
	l_sigaction(L_SIGUSR1, on_usr1, 0, 0, 0);
	again = 1; l_tgkill(L_SIGUSR1); show("tgkill");
	printf("blocked after: %llx\n", (unsigned long long)l_blocked());
}

/* sa_mask (qemu-user 7.2 reads riscv's struct sigaction with an
 * sa_restorer word the kernel does not have, so it takes the mask from
 * the wrong offset: this mode is checked against Linux's answer). */
static void mode_samask(void)
{
	l_sigaction(L_SIGUSR2, on_usr2, 0, 0, 0);
	l_sigaction(L_SIGUSR1, on_usr1, 0, bit(L_SIGUSR2), 0);
	again = 1; l_raise(L_SIGUSR1); show("usr2 masked by sa_mask");
	lsigaction_t old;
	l_sigaction(L_SIGUSR1, (void *)-1, 0, 0, &old);
	printf("old mask %llx, blocked after: %llx\n", (unsigned long long)old.mask, (unsigned long long)l_blocked());
}

/* ---- block ---- */
static volatile uint64_t mask_in_handler, uc_saved_mask;
static void on_note(int sig, linfo_t *info, void *uc)
{
	(void)info;
	note(sig == L_SIGUSR1 ? 'U' : sig == L_SIGUSR2 ? 'V' : 'A');
	mask_in_handler = l_blocked();
	uc_saved_mask = *uc_mask(uc);
}

static void mode_block(void)
{
	l_sigaction(L_SIGUSR1, on_note, L_SA_SIGINFO, 0, 0);
	l_sigaction(L_SIGUSR2, on_note, L_SA_SIGINFO, 0, 0);
	l_sigprocmask(L_SIG_BLOCK, bit(L_SIGUSR1) | bit(L_SIGUSR2), 0);
	l_raise(L_SIGUSR2);
	l_raise(L_SIGUSR1);
	l_raise(L_SIGUSR1);
	note('|');
	printf("pending: %llx\n", (unsigned long long)l_sigpending());
	l_sigprocmask(L_SIG_UNBLOCK, bit(L_SIGUSR1), 0);
	note('|');
	l_sigprocmask(L_SIG_UNBLOCK, bit(L_SIGUSR2), 0);
	note('|');
	show("unblock one by one");
	printf("pending after: %llx\n", (unsigned long long)l_sigpending());

	l_sigprocmask(L_SIG_BLOCK, bit(L_SIGUSR1), 0);
	l_raise(L_SIGUSR1);
	uint64_t wait_mask = bit(L_SIGUSR2);
	long r = linux_syscall2(SYS_rt_sigsuspend_, (long)&wait_mask, 8);
	show("sigsuspend");
	printf("sigsuspend: %ld, mask in handler %llx, saved %llx, after %llx\n", r,
	       (unsigned long long)mask_in_handler, (unsigned long long)uc_saved_mask, (unsigned long long)l_blocked());
}

/* ---- resethand ---- */
static void mode_resethand(void)
{
	lsigaction_t old;
	l_sigaction(L_SIGUSR1, on_note, L_SA_SIGINFO | L_SA_RESETHAND, 0, 0);
	l_raise(L_SIGUSR1);
	show("first");
	l_sigaction(L_SIGUSR1, (void *)-1, 0, 0, &old);
	printf("handler now default: %d, flags %lx\n", old.handler == L_SIG_DFL, old.flags);
	__hyemu_stdio_flush();
	l_raise(L_SIGUSR1);
	printf("not reached\n");
}

/* ---- altstack ---- */
static char alt[32768];
static void on_overflow(int sig, linfo_t *info, void *uc)
{
	char here;
	lstack_t cur;
	(void)info; (void)uc;
	linux_syscall2(SYS_sigaltstack_, 0, (long)&cur);
	printf("overflow: SIGSEGV=%d on the alternate stack=%d ss_flags=%d\n", sig == L_SIGSEGV,
	       &here >= alt && &here < alt + sizeof alt, cur.flags);
	__hyemu_stdio_flush();
	l_exit(0);
}
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int recurse(int n)
{
	volatile char buf[2048];
	buf[n & 1023] = (char)n;
	return recurse(n + 1) + buf[n & 7];
}

static void mode_altstack(void)
{
	lstack_t ss = { alt, 0, sizeof alt }, old;
	printf("sigaltstack: %ld\n", linux_syscall2(SYS_sigaltstack_, (long)&ss, 0));
	linux_syscall2(SYS_sigaltstack_, 0, (long)&old);
	printf("alt stack flags=%d size=%lu\n", old.flags, (unsigned long)old.size);
	l_sigaction(L_SIGSEGV, on_overflow, L_SA_SIGINFO | L_SA_ONSTACK, 0, 0);
	printf("%d\n", recurse(0));
}

/* ---- alarm ---- */
static volatile int fired;
static void on_alarm(int sig) { (void)sig; fired++; }

static void mode_alarm(void)
{
	int32_t cur[4];
	l_sigaction(L_SIGALRM, on_alarm, 0, 0, 0);
	l_setitimer(30000, 0);
	linux_syscall2(SYS_getitimer_, 0, (long)cur);
	printf("armed: %d\n", cur[2] == 0 && cur[3] > 0 && cur[3] <= 30000);
	unsigned long spins = 0;
	while (!fired) spins++;
	printf("alarm: fired=%d after spinning=%d\n", fired, spins > 0);
	l_setitimer(5000, 5000);
	while (fired < 7) spins++;
	l_setitimer(0, 0);
	linux_syscall2(SYS_getitimer_, 0, (long)cur);
	printf("interval: ticks>=7 %d, disarmed %d\n", fired >= 7, cur[0] == 0 && cur[1] == 0 && cur[2] == 0 && cur[3] == 0);
}

/* ---- eintr ---- */
static int pipe_w;
static void on_alarm_write(int sig) { (void)sig; fired++; linux_syscall3(SYS_write, pipe_w, "x", 1); }

static void mode_eintr(void)
{
	int fds[2];
	char c = '?';
	linux_syscall2(SYS_pipe2_, (long)fds, 0);
	pipe_w = fds[1];
	l_sigaction(L_SIGALRM, on_alarm, 0, 0, 0);
	l_setitimer(20000, 0);
	long r = linux_syscall3(SYS_read, fds[0], &c, 1);
	printf("read, no SA_RESTART: %ld (fired %d)\n", r, fired);
	l_sigaction(L_SIGALRM, on_alarm_write, L_SA_RESTART, 0, 0);
	l_setitimer(20000, 0);
	r = linux_syscall3(SYS_read, fds[0], &c, 1);
	printf("read, SA_RESTART: %ld '%c' (fired %d)\n", r, c, fired);
	l_sigaction(L_SIGALRM, on_alarm, L_SA_RESTART, 0, 0);
	l_setitimer(50000, 0);
	int64_t req[2] = { 2, 0 }, rem[2] = { -1, -1 };
	r = linux_syscall4(SYS_clock_nanosleep_, 1 /* MONOTONIC */, 0, (long)req, (long)rem);
	printf("sleep, SA_RESTART: %ld, rem ok %d (fired %d)\n", r, rem[0] == 1 && rem[1] > 0, fired);
}

/* ---- futex ---- */
#define SYS_futex_time64_ 422
static long l_futex(volatile int *uaddr, int op, int val, const int64_t *ts, volatile int *uaddr2, int val3)
{
	return linux_syscall6(SYS_futex_time64_, (long)uaddr, op, val, (long)ts, (long)uaddr2, val3);
}

/* Restarts the wait it interrupts, and makes the next SIGALRM end it. */
static void on_alarm_rearm(int sig)
{
	(void)sig;
	fired++;
	l_sigaction(L_SIGALRM, on_alarm, 0, 0, 0);
	l_setitimer(20000, 0);
}

static void mode_futex(void)
{
	static volatile int word[2] = { 5, 0 };
	const int64_t ms20[2] = { 0, 20000000 }, past[2] = { 1, 0 }, bad[2] = { 0, 2000000000 };
	printf("wait, value differs: %ld\n", l_futex(word, 0 | 128, 4, 0, 0, 0));
	printf("wait 20 ms: %ld\n", l_futex(word, 0 | 128, 5, ms20, 0, 0));
	printf("wait_bitset, deadline passed: %ld\n", l_futex(word, 9 | 128, 5, past, 0, -1));
	printf("wait_bitset, empty bitset: %ld\n", l_futex(word, 9, 5, 0, 0, 0));
	printf("wait, bad timeout: %ld\n", l_futex(word, 0, 5, bad, 0, 0));
	printf("wait, misaligned: %ld\n", l_futex((volatile int *)((char *)word + 1), 0, 5, ms20, 0, 0));
	printf("wait, unmapped: %ld\n", l_futex((volatile int *)0x10, 0, 5, ms20, 0, 0));
	printf("wake: %ld, wake_bitset: %ld\n", l_futex(word, 1 | 128, 1, 0, 0, 0), l_futex(word, 10, 1, 0, 0, -1));
	printf("cmp_requeue, value differs: %ld; equal: %ld\n", l_futex(word, 4, 1, 0, word + 1, 4), l_futex(word, 4, 1, 0, word + 1, 5));
	printf("clock_realtime on wait: %ld; unknown op: %ld\n", l_futex(word, 0 | 256, 5, ms20, 0, 0), l_futex(word, 99, 0, 0, 0, 0));
	l_sigaction(L_SIGALRM, on_alarm, 0, 0, 0);
	l_setitimer(20000, 0);
	long r = l_futex(word, 0 | 128, 5, 0, 0, 0);
	printf("wait forever, SIGALRM, no SA_RESTART: %ld (fired %d)\n", r, fired);
	const int64_t ms200[2] = { 0, 200000000 };
	l_sigaction(L_SIGALRM, on_alarm, L_SA_RESTART, 0, 0);
	l_setitimer(20000, 0);
	r = l_futex(word, 0 | 128, 5, ms200, 0, 0);
	printf("wait 200 ms, SIGALRM, SA_RESTART: %ld (fired %d)\n", r, fired);
	l_sigaction(L_SIGALRM, on_alarm_rearm, L_SA_RESTART, 0, 0);
	l_setitimer(20000, 0);
	r = l_futex(word, 0 | 128, 5, 0, 0, 0);
	printf("wait forever, SA_RESTART, then a second SIGALRM without: %ld (fired %d)\n", r, fired);
}

/* A read of stdin (which gets "x" after ~400 ms, and stays open). */
static void mode_stdin(void)
{
	char c = '?';
	l_sigaction(L_SIGALRM, on_alarm, 0, 0, 0);
	l_setitimer(20000, 0);
	long r = linux_syscall3(SYS_read, 0, &c, 1);
	printf("stdin, no SA_RESTART: %ld (fired %d)\n", r, fired);
	l_sigaction(L_SIGALRM, on_alarm, L_SA_RESTART, 0, 0);
	l_setitimer(20000, 0);
	r = linux_syscall3(SYS_read, 0, &c, 1);
	printf("stdin, SA_RESTART: %ld '%c' (fired %d)\n", r, c, fired);
}

/* ---- regs ---- */
static volatile long seen_s2;
static void escape(void)
{
	printf("regs: the handler's new pc ran, a0=%ld\n", (long)hits);
	__hyemu_stdio_flush();
	l_exit(0);
}
static void on_regs(int sig, linfo_t *info, void *uc)
{
	unsigned long *r = uc_regs(uc);
	(void)info;
	seen_s2 = r[18];
	r[18] = 0x1234;
	r[9] *= 2;
	if (sig == L_SIGUSR2) { hits = (int)r[10]; r[0] = (unsigned long)escape; }
}

static void mode_regs(void)
{
	l_sigaction(L_SIGUSR1, on_regs, L_SA_SIGINFO, 0, 0);
	l_sigaction(L_SIGUSR2, on_regs, L_SA_SIGINFO, 0, 0);
	register long a0 __asm__("a0") = l_getpid();
	register long a1 __asm__("a1") = L_SIGUSR1;
	register long a7 __asm__("a7") = SYS_kill;
	register long s1 __asm__("s1") = 21;
	register long s2 __asm__("s2") = 77;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(s1), "+r"(s2) : "r"(a1), "r"(a7) : "memory");
	printf("regs: handler saw s2=%ld; after: s2=%#lx s1=%ld a0=%ld\n", (long)seen_s2, (unsigned long)s2, (long)s1, (long)a0);
	l_raise(L_SIGUSR2);
	printf("not reached\n");
}

/* ---- defaults ---- */
static void mode_raise(int sig)
{
	printf("raise %d\n", sig);
	__hyemu_stdio_flush();
	l_raise(sig);
	printf("survived %d\n", sig);
}

static void on_pipe(int sig) { (void)sig; hits++; }
static void pipe_case(const char *how)
{
	int fds[2];
	if (!strcmp(how, "pipe-ignored")) l_sigaction(L_SIGPIPE, L_SIG_IGN, 0, 0, 0);
	if (!strcmp(how, "pipe-blocked")) l_sigprocmask(L_SIG_BLOCK, bit(L_SIGPIPE), 0);
	if (!strcmp(how, "pipe-handled")) l_sigaction(L_SIGPIPE, on_pipe, 0, 0, 0);
	linux_syscall2(SYS_pipe2_, (long)fds, 0);
	linux_syscall1(SYS_close, fds[0]);
	long r = linux_syscall3(SYS_write, fds[1], "x", 1);
	printf("%s: write %ld, handler ran %d, pending %llx\n", how, r, hits, (unsigned long long)l_sigpending());
}

/* ---- fuzz ---- */
static uint32_t rng;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }
static const int fuzz_sigs[] = { L_SIGUSR1, L_SIGUSR2, L_SIGCHLD, L_SIGALRM, 34, 40, 23, 28 };
#define NSIGS (int)(sizeof fuzz_sigs / sizeof fuzz_sigs[0])
static uint64_t random_set(void)
{
	uint64_t s = 0;
	for (int i = 0; i < NSIGS; i++) if (next() % 3 == 0) s |= bit(fuzz_sigs[i]);
	return s;
}
static int depth;
static void on_fuzz(int sig, linfo_t *info, void *uc)
{
	(void)info;
	note('a' + sig % 26);
	note('0' + (char)(*uc_mask(uc) >> (sig - 1) & 1));
	if (depth < 3 && next() % 4 == 0) {
		depth++;
		l_raise(fuzz_sigs[next() % NSIGS]);
		depth--;
	}
}

static void mode_fuzz(uint32_t seed)
{
	static const unsigned long flag_bits[] = { L_SA_NODEFER, L_SA_RESETHAND, L_SA_RESTART, L_SA_SIGINFO };
	rng = seed * 2654435761u + 1;
	for (int i = 0; i < NSIGS; i++) l_sigaction(fuzz_sigs[i], on_fuzz, 0, 0, 0);
	for (int step = 0; step < 300; step++) {
		int sig = fuzz_sigs[next() % NSIGS];
		switch (next() % 4) {
		case 0: {
			unsigned long flags = 0;
			for (int i = 0; i < 4; i++) if (next() % 2) flags |= flag_bits[i];
			/* Rarely the default action of a fatal signal: it ends the run. */
			int h = next() % 8, harmless = sig == L_SIGCHLD || sig == 23 || sig == 28;
			void *handler = h == 0 && (harmless || next() % 16 == 0) ? L_SIG_DFL : h == 1 ? L_SIG_IGN : (void *)on_fuzz;
			lsigaction_t old;
			l_sigaction(sig, handler, flags, random_set(), &old);
			note('A');
			note(old.handler == L_SIG_DFL ? 'd' : old.handler == L_SIG_IGN ? 'i' : 'h');
			break;
		}
		case 1: {
			uint64_t old;
			long r = l_sigprocmask(next() % 4, random_set(), &old);
			note(r == 0 ? 'M' : 'E');
			break;
		}
		default:
			note('K');
			switch (next() % 3) {
			case 0: l_raise(sig); break;
			case 1: l_tgkill(sig); break;
			default: l_sigqueue(l_getpid(), sig, L_SI_QUEUE, step);
			}
		}
		if (nevents > 40) {
			printf("%d pending %llx blocked %llx ", step, (unsigned long long)l_sigpending(), (unsigned long long)l_blocked());
			show("events");
			__hyemu_stdio_flush();
		}
	}
	printf("end pending %llx blocked %llx ", (unsigned long long)l_sigpending(), (unsigned long long)l_blocked());
	show("events");
}

/* ---- handlerfault ---- */
static void say(const char *s);
static volatile uintptr_t fault_addr = 0x10;
static void on_segv_faulting(int sig)
{
	(void)sig;
	say("handler: faulting again\n");
	(void)*(volatile int *)fault_addr;
	say("handler: survived\n");
}

static void mode_handlerfault(void)
{
	l_sigaction(L_SIGSEGV, on_segv_faulting, 0, 0, 0);
	say("main: faulting\n");
	(void)*(volatile int *)fault_addr;
	say("main: survived\n");
}

/* ---- hotregs ---- */
static volatile long hot_i;
static int hot_faults, hot_bad;
/* x_r set by the loop to hot_i + HOT_OFFSET[r] (0: not set). */
static const signed char HOT_OFFSET[32] = {
	[5] = 1, [6] = 2, [7] = 3, [11] = 4, [12] = 5, [13] = 6, [14] = 7, [15] = 8, [28] = 9, [29] = 10, [30] = 11, [31] = 12,
};
static void on_hot_segv(int sig, linfo_t *info, void *uc)
{
	unsigned long *r = uc_regs(uc);
	(void)sig;
	(void)info;
	hot_faults++;
	for (int k = 1; k < 32; k++)
		if (HOT_OFFSET[k] && r[k] != (unsigned long)(hot_i + HOT_OFFSET[k])) hot_bad++;
	r[10] = 0; /* the load's destination */
	r[0] += 4;
}

static void mode_hotregs(void)
{
	static volatile int cell = 3;
	l_sigaction(L_SIGSEGV, on_hot_segv, L_SA_SIGINFO, 0, 0);
	long sum = 0;
	for (long i = 0; i < 200000; i++) {
		hot_i = i;
		volatile int *p = (i & 15) == 15 ? (volatile int *)0x10 : &cell;
		long got;
		__asm__ volatile(
			"addi t0, %[i], 1\n addi t1, %[i], 2\n addi t2, %[i], 3\n"
			"addi a1, %[i], 4\n addi a2, %[i], 5\n addi a3, %[i], 6\n addi a4, %[i], 7\n addi a5, %[i], 8\n"
			"addi t3, %[i], 9\n addi t4, %[i], 10\n addi t5, %[i], 11\n addi t6, %[i], 12\n"
			".option push\n .option norvc\n lw a0, 0(%[p])\n .option pop\n"
			"add a0, a0, t0\n add a0, a0, t6\n mv %[got], a0"
			: [got] "=r"(got)
			: [i] "r"(i), [p] "r"(p)
			: "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0", "a1", "a2", "a3", "a4", "a5", "memory");
		sum += got;
	}
	printf("hotregs: faults=%d bad=%d sum=%ld\n", hot_faults, hot_bad, sum);
}

/* ---- timers ---- */
static volatile int tticks, tcode_ok, tsig, tvalue, tid_seen, toverrun, tgetoverrun, tid_now;
static volatile int64_t tfired_at;
static int tclock = L_CLOCK_MONOTONIC;
static void on_timer(int sig, linfo_t *info, void *uc)
{
	(void)uc;
	tticks++;
	tsig = sig;
	tcode_ok += info->code == L_SI_TIMER;
	tvalue = info->value;
	tid_seen = (int)info->addr_or_pid;
	toverrun = (int)info->uid;
	tgetoverrun = (int)linux_syscall1(SYS_timer_getoverrun_, tid_now);
	tfired_at = l_clock_ns(tclock);
}
static void timers_reset(void) { tticks = tcode_ok = tsig = tvalue = toverrun = 0; }
static int in_range(int64_t v, int64_t lo, int64_t hi) { return v > lo && v <= hi; }
/* Waits (at most 2 s: hyemu sees a host timer between slices, ~10 ms)
 * for `sig` to be pending, or for the one-shot timer `id` to have fired. */
static void wait_pending(int sig)
{
	int64_t end = l_clock_ns(L_CLOCK_MONOTONIC) + 2000000000;
	while (!(l_sigpending() & bit(sig)) && l_clock_ns(L_CLOCK_MONOTONIC) < end) {}
}
static void wait_fired(int id)
{
	litimerspec_t cur;
	int64_t end = l_clock_ns(L_CLOCK_MONOTONIC) + 2000000000;
	while (l_timer_get(id, &cur) == 0 && ts_ns(cur.value) != 0 && l_clock_ns(L_CLOCK_MONOTONIC) < end) {}
}

static void mode_timers(void)
{
	const int RT = L_SIGRTMIN + 2;
	litimerspec_t cur, old;
	lsigevent_t ev = { .value = 0x1234, .signo = RT, .notify = L_SIGEV_SIGNAL };
	int id = -1;
	l_sigaction(RT, on_timer, L_SA_SIGINFO, 0, 0);

	/* A periodic timer interrupts a loop that makes no system call. */
	long r = l_timer_create(L_CLOCK_MONOTONIC, &ev, &id);
	tid_now = id;
	long set = l_timer_set(id, 0, 5000000, 5000000, 0);
	unsigned long spins = 0;
	while (tticks < 5) spins++;
	long del = l_timer_delete(id);
	int at_delete = tticks;
	l_spin_ms(30);
	printf("periodic: create %ld settime %ld; ticks>=5 %d, all SI_TIMER %d, signal %d, value %#x, overrun>=0 %d, spun %d\n",
	       r, set, at_delete >= 5, tcode_ok == tticks, tsig, tvalue, toverrun >= 0, spins > 0);
	printf("periodic: delete %ld, no tick after it %d\n", del, tticks == at_delete);

	/* A one-shot at an absolute CLOCK_REALTIME time: not early. */
	timers_reset();
	ev.value = 77;
	l_timer_create(L_CLOCK_REALTIME, &ev, &id);
	tid_now = id;
	tclock = L_CLOCK_REALTIME;
	int64_t target = l_clock_ns(L_CLOCK_REALTIME) + 20000000;
	set = l_timer_set(id, L_TIMER_ABSTIME, target, 0, 0);
	while (!tticks) spins++;
	l_timer_get(id, &cur);
	printf("abstime: settime %ld; ticks %d, value %d, not early %d; then reads %lld %lld\n", set, tticks, tvalue,
	       tfired_at >= target, (long long)ts_ns(cur.value), (long long)ts_ns(cur.interval));
	/* In the past: the signal is there as the call returns. */
	timers_reset();
	set = l_timer_set(id, L_TIMER_ABSTIME, 1000000000, 0, 0);
	printf("abstime in the past: settime %ld, ticks %d\n", set, tticks);
	tclock = L_CLOCK_MONOTONIC;

	/* timer_gettime after arming, and settime's old value. */
	l_timer_set(id, 0, 1000000000, 250000000, 0);
	r = l_timer_get(id, &cur);
	int armed = in_range(ts_ns(cur.value), 900000000, 1000000000) && ts_ns(cur.interval) == 250000000;
	set = l_timer_set(id, 0, 0, 0, &old);
	int was = in_range(ts_ns(old.value), 900000000, 1000000000) && ts_ns(old.interval) == 250000000;
	l_timer_get(id, &cur);
	printf("gettime: %ld armed %d; disarm %ld, old value %d, now %lld %lld\n", r, armed, set, was,
	       (long long)ts_ns(cur.value), (long long)ts_ns(cur.interval));
	l_timer_delete(id);

	/* SIGEV_NONE: no signal, the time read by timer_gettime. */
	timers_reset();
	lsigevent_t none = { .notify = L_SIGEV_NONE };
	r = l_timer_create(L_CLOCK_MONOTONIC, &none, &id);
	l_timer_set(id, 0, 200000000, 0, 0);
	l_spin_ms(10);
	l_timer_get(id, &cur);
	int counting = in_range(ts_ns(cur.value), 0, 190000000);
	l_sleep_ms(200);
	l_timer_get(id, &cur);
	printf("SIGEV_NONE: create %ld, counting %d, expired reads %lld, signals %d\n", r, counting, (long long)ts_ns(cur.value), tticks);
	l_timer_set(id, 0, 10000000, 200000000, 0);
	l_sleep_ms(25);
	l_timer_get(id, &cur);
	printf("SIGEV_NONE periodic: next in (0, 200ms] %d, interval %lld, overrun %ld\n", in_range(ts_ns(cur.value), 0, 200000000),
	       (long long)ts_ns(cur.interval), linux_syscall1(SYS_timer_getoverrun_, id));
	/* Linux's quirk: disarmed, it still reads the time to its last expiry. */
	l_timer_set(id, 0, 0, 0, 0);
	l_timer_get(id, &cur);
	printf("SIGEV_NONE disarmed: reads %d, interval %lld\n", in_range(ts_ns(cur.value), 0, 200000000), (long long)ts_ns(cur.interval));
	l_timer_delete(id);

	/* SIGEV_THREAD_ID to this thread. */
	timers_reset();
	lsigevent_t tev = { .value = 5, .signo = RT, .notify = L_SIGEV_THREAD_ID, .tid = (int32_t)linux_syscall0(SYS_gettid) };
	r = l_timer_create(L_CLOCK_MONOTONIC, &tev, &id);
	tid_now = id;
	l_timer_set(id, 0, 1000000, 0, 0);
	while (!tticks) spins++;
	printf("SIGEV_THREAD_ID: create %ld, ticks %d, value %d\n", r, tticks, tvalue);

	/* Overruns: the expirations while the signal is blocked. */
	timers_reset();
	l_sigprocmask(L_SIG_BLOCK, bit(RT), 0);
	l_timer_set(id, 0, 2000000, 2000000, 0);
	wait_pending(RT);
	l_spin_ms(10);
	int pending = (l_sigpending() & bit(RT)) != 0;
	long before = linux_syscall1(SYS_timer_getoverrun_, id);
	l_sigprocmask(L_SIG_UNBLOCK, bit(RT), 0);
	long after = linux_syscall1(SYS_timer_getoverrun_, id);
	printf("overrun: pending %d, overrun before %ld; delivered %d, si_overrun>0 %d, timer_getoverrun = si_overrun %d, after %d\n",
	       pending, before, tticks >= 1, toverrun > 0, tgetoverrun == toverrun, after == toverrun);
	l_timer_set(id, 0, 0, 0, 0);

	/* A signal pending when its timer is re-armed, disarmed or deleted. */
	timers_reset();
	l_sigprocmask(L_SIG_BLOCK, bit(RT), 0);
	l_timer_set(id, 0, 1000000, 0, 0);
	wait_pending(RT);
	l_timer_get(id, &cur);
	printf("fired, blocked: pending %d, reads %lld\n", (l_sigpending() & bit(RT)) != 0, (long long)ts_ns(cur.value));
	l_timer_set(id, 0, 1000000, 0, 0);
	wait_fired(id);
	l_sigprocmask(L_SIG_UNBLOCK, bit(RT), 0);
	printf("re-armed and fired again: delivered %d\n", tticks);
	timers_reset();
	l_sigprocmask(L_SIG_BLOCK, bit(RT), 0);
	l_timer_set(id, 0, 1000000, 0, 0);
	wait_pending(RT);
	l_timer_set(id, 0, 0, 0, 0);
	int still = (l_sigpending() & bit(RT)) != 0;
	l_sigprocmask(L_SIG_UNBLOCK, bit(RT), 0);
	printf("disarmed: pending %d, delivered %d\n", still, tticks);
	l_sigprocmask(L_SIG_BLOCK, bit(RT), 0);
	l_timer_set(id, 0, 1000000, 0, 0);
	wait_pending(RT);
	del = l_timer_delete(id);
	still = (l_sigpending() & bit(RT)) != 0;
	l_sigprocmask(L_SIG_UNBLOCK, bit(RT), 0);
	printf("deleted: %ld, pending %d, delivered %d, pending after %d\n", del, still, tticks, (l_sigpending() & bit(RT)) != 0);

	/* An ignored periodic timer's signal waits for a handler (nothing
	 * shows it has fired: a sleep lets hyemu's host timers run). */
	timers_reset();
	ev.value = 9;
	l_timer_create(L_CLOCK_MONOTONIC, &ev, &id);
	tid_now = id;
	l_sigaction(RT, L_SIG_IGN, 0, 0, 0);
	l_timer_set(id, 0, 2000000, 2000000, 0);
	l_sleep_ms(30);
	still = (l_sigpending() & bit(RT)) != 0;
	l_sigaction(RT, on_timer, L_SA_SIGINFO, 0, 0);
	int at_handler = tticks;
	l_timer_delete(id);
	printf("ignored: pending %d; with a handler: delivered %d, value %d, overrun>0 %d\n", still, at_handler, tvalue, toverrun > 0);

	/* Bad arguments. */
	lsigevent_t e = { .signo = RT, .notify = 7 };
	printf("create: clock 99 %ld, clock 4 %ld, sigevent at 0x10 %ld, id at 0x10 %ld, notify 7 %ld",
	       l_timer_create(99, 0, &id), l_timer_create(4, 0, &id), l_timer_create(1, (lsigevent_t *)0x10, &id),
	       l_timer_create(1, 0, (int *)0x10), l_timer_create(1, &e, &id));
	e.notify = L_SIGEV_SIGNAL;
	e.signo = 0;
	printf(", signal 0 %ld", l_timer_create(1, &e, &id));
	e.signo = 65;
	printf(", signal 65 %ld", l_timer_create(1, &e, &id));
	e.signo = RT;
	e.notify = L_SIGEV_THREAD_ID;
	e.tid = 0x3ffffff0;
	printf(", another thread %ld\n", l_timer_create(1, &e, &id));
	l_timer_create(L_CLOCK_MONOTONIC, &ev, &id);
	tid_now = id;
	timers_reset();
	litimerspec_t t1 = { { 0, 0 }, { 0, 1000000000 } }, t2 = { { 0, 0 }, { -1, 0 } }, t3 = { { 0, -1 }, { 1, 0 } };
	printf("settime: nsec 1e9 %ld, sec -1 %ld, interval nsec -1 %ld, NULL %ld, at 0x10 %ld, timer 12345 %ld",
	       linux_syscall4(SYS_timer_settime64_, id, 0, (long)&t1, 0), linux_syscall4(SYS_timer_settime64_, id, 0, (long)&t2, 0),
	       linux_syscall4(SYS_timer_settime64_, id, 0, (long)&t3, 0), linux_syscall4(SYS_timer_settime64_, id, 0, 0, 0),
	       linux_syscall4(SYS_timer_settime64_, id, 0, 0x10, 0), l_timer_set(12345, 0, 1000000, 0, 0));
	r = l_timer_set(id, 0, 1000000, 0, (litimerspec_t *)0x10);
	while (!tticks) spins++;
	printf(", old at 0x10 %ld (armed anyway: %d)\n", r, tticks);
	printf("gettime: timer 12345 %ld, at 0x10 %ld; getoverrun: timer 12345 %ld; delete: timer 12345 %ld, %ld\n",
	       l_timer_get(12345, &cur), l_timer_get(id, (litimerspec_t *)0x10), linux_syscall1(SYS_timer_getoverrun_, 12345),
	       l_timer_delete(12345), l_timer_delete(id));
}

/* ---- rtqueue ---- */
static char rt_log[512];
static int rt_len, rt_values;
/* Logs signal/si_code/si_value/si_pid (si_value only where qemu-user
 * passes it on: it takes the codes of kill() and tkill() at their word). */
static void on_rt(int sig, linfo_t *info, void *uc)
{
	(void)uc;
	char value[16] = "-";
	if (rt_values || (info->code != L_SI_USER && info->code != L_SI_TKILL)) snprintf(value, sizeof value, "%d", (int)info->value);
	if (rt_len < (int)sizeof rt_log - 40)
		rt_len += snprintf(rt_log + rt_len, sizeof rt_log - rt_len, " %d/%d/%s/%s", sig, (int)info->code, value,
		                   info->addr_or_pid == (uint32_t)l_getpid() ? "self" : info->addr_or_pid == 777 ? "777" : info->addr_or_pid == 0 ? "0" : "?");
}
static void rt_show(const char *what)
{
	printf("%s:%s\n", what, rt_log);
	rt_len = 0;
	rt_log[0] = 0;
}

static void mode_rtqueue(void)
{
	const int R2 = L_SIGRTMIN + 2, R3 = L_SIGRTMIN + 3, R8 = L_SIGRTMIN + 8;
	const uint64_t all = bit(R2) | bit(R3) | bit(R8) | bit(L_SIGUSR1);
	l_sigaction(R2, on_rt, L_SA_SIGINFO, 0, 0);
	l_sigaction(R3, on_rt, L_SA_SIGINFO, 0, 0);
	l_sigaction(R8, on_rt, L_SA_SIGINFO, 0, 0);
	l_sigaction(L_SIGUSR1, on_rt, L_SA_SIGINFO, 0, 0);

	/* Three of a real-time signal, three of SIGUSR1, all blocked. */
	l_sigprocmask(L_SIG_BLOCK, all, 0);
	for (int i = 0; i < 3; i++) { l_raise(R8); l_raise(L_SIGUSR1); }
	printf("pending %llx\n", (unsigned long long)l_sigpending());
	l_sigprocmask(L_SIG_UNBLOCK, bit(R8), 0);
	rt_show("SIGRTMIN+8 x3");
	l_sigprocmask(L_SIG_UNBLOCK, bit(L_SIGUSR1), 0);
	rt_show("SIGUSR1 x3");

	/* Several at once: the thread's own first, then by number, each with
	 * its siginfo in order; the later ones nest inside the earlier. */
	l_sigprocmask(L_SIG_BLOCK, all, 0);
	for (int v = 1; v <= 3; v++) l_sigqueue(l_getpid(), R2, L_SI_QUEUE, v);
	l_raise(L_SIGUSR1);
	l_raise(R3);
	l_raise(R3);
	l_tgkill(R2);
	l_sigqueue(l_getpid(), L_SIGUSR1, L_SI_QUEUE, 4);
	printf("pending %llx\n", (unsigned long long)l_sigpending());
	l_sigprocmask(L_SIG_UNBLOCK, all, 0);
	rt_show("all at once");

	/* rt_sigqueueinfo and rt_tgsigqueueinfo. */
	long pid = l_getpid(), other = 0x3ffffff0, q[6];
	q[0] = l_sigqueue(pid, R2, L_SI_USER, 1);
	q[1] = l_sigqueue(pid, R2, L_SI_TKILL, 2);
	q[2] = l_sigqueue(pid, R2, 5, 3);
	printf("sigqueueinfo: self SI_USER %ld, self SI_TKILL %ld, self 5 %ld", q[0], q[1], q[2]);
	printf(", other SI_QUEUE %ld, other SI_USER %ld, pid 0 %ld, signal 0 %ld, signal 65 %ld, at 0x10 %ld\n",
	       l_sigqueue(other, R2, L_SI_QUEUE, 0), l_sigqueue(other, R2, L_SI_USER, 0), l_sigqueue(0, R2, L_SI_QUEUE, 0),
	       l_sigqueue(pid, 0, L_SI_QUEUE, 0), l_sigqueue(pid, 65, L_SI_QUEUE, 0), linux_syscall3(SYS_rt_sigqueueinfo_, pid, R2, 0x10));
	rt_show("delivered");
	int32_t info[32] = { 0, 0, L_SI_QUEUE, 777, 0, 6 };
	q[0] = linux_syscall4(SYS_rt_tgsigqueueinfo_, pid, pid, R3, (long)info);
	printf("tgsigqueueinfo: self %ld, tid 0 %ld, other %ld", q[0], linux_syscall4(SYS_rt_tgsigqueueinfo_, pid, 0, R3, (long)info),
	       linux_syscall4(SYS_rt_tgsigqueueinfo_, pid, other, R3, (long)info));
	info[2] = L_SI_USER;
	printf(", other as kill %ld\n", linux_syscall4(SYS_rt_tgsigqueueinfo_, pid, other, R3, (long)info));
	rt_show("delivered");
}

/* ---- linuxonly: where qemu-user is no reference (see signals.test.ts) ---- */
static void mode_linuxonly(void)
{
	int a = -1, b = -1, c = -1, d = -1;
	lsigevent_t e = { .signo = 65 };
	long ra = l_timer_create(1, 0, &a), rb = l_timer_create(1, 0, &b);
	long del = l_timer_delete(a);
	long rc = l_timer_create(1, 0, &c);
	long bad = l_timer_create(1, &e, &d);
	long rd = l_timer_create(1, 0, &d);
	printf("ids: %ld %d, %ld %d, delete %ld, %ld %d, refused %ld, %ld %d\n", ra, a, rb, b, del, rc, c, bad, rd, d);
	/* No sigevent: SIGALRM, the id as si_value and si_timerid. */
	l_sigaction(L_SIGALRM, on_timer, L_SA_SIGINFO, 0, 0);
	tid_now = d;
	l_timer_set(d, 0, 1000000, 0, 0);
	while (!tticks) {}
	printf("NULL sigevent: signal %d, SI_TIMER %d, value %d, timer id %d, overrun %d\n", tsig, tcode_ok, tvalue, tid_seen, toverrun);
	printf("delete twice: %ld %ld\n", l_timer_delete(d), l_timer_delete(d));
	/* rv32's tv_nsec is a 32-bit long: the upper half is padding. */
	litimerspec_t pad = { { 0, 0 }, { 0, 0x100000000ll + 1000000 } };
	timers_reset();
	long r = linux_syscall4(SYS_timer_settime64_, c, 0, (long)&pad, 0);
	while (!tticks) {}
	printf("nsec padding: settime %ld, fired %d\n", r, tticks);
	printf("timer 12345 with new at 0x10: %ld\n", linux_syscall4(SYS_timer_settime64_, 12345, 0, 0x10, 0));

	/* rt_sigqueueinfo delivers the caller's siginfo as is, kill()'s
	 * codes included. */
	const int R2 = L_SIGRTMIN + 2, R3 = L_SIGRTMIN + 3;
	const uint64_t all = bit(R2) | bit(R3) | bit(L_SIGUSR1);
	long pid = l_getpid(), q[6];
	l_sigaction(R2, on_rt, L_SA_SIGINFO, 0, 0);
	l_sigaction(R3, on_rt, L_SA_SIGINFO, 0, 0);
	l_sigaction(L_SIGUSR1, on_rt, L_SA_SIGINFO, 0, 0);
	rt_values = 1;
	q[0] = l_sigqueue(pid, R2, L_SI_USER, 1);
	q[1] = l_sigqueue(pid, R2, L_SI_TKILL, 2);
	printf("sigqueueinfo as kill %ld, as tkill %ld\n", q[0], q[1]);
	rt_show("delivered");
	/* A code of no known layout: the rest of the siginfo must be 0. */
	int32_t info[32] = { 0, 0, -100, 777, 0, 3 };
	q[0] = linux_syscall3(SYS_rt_sigqueueinfo_, pid, R2, (long)info);
	info[25] = 1;
	q[1] = linux_syscall3(SYS_rt_sigqueueinfo_, pid, R2, (long)info);
	printf("si_code -100: %ld, with a non-zero tail %ld\n", q[0], q[1]);
	rt_show("delivered");

	/* RLIMIT_SIGPENDING 8 (timers count too): sigqueue and tgkill fail,
	 * kill() loses the siginfo, and so does a standard signal. */
	l_timer_delete(b);
	l_timer_delete(c);
	uint64_t lim[2], low[2];
	linux_syscall4(SYS_prlimit64_, 0, L_RLIMIT_SIGPENDING, 0, (long)lim);
	low[0] = 8;
	low[1] = lim[1];
	long pr = linux_syscall4(SYS_prlimit64_, 0, L_RLIMIT_SIGPENDING, (long)low, 0);
	l_sigprocmask(L_SIG_BLOCK, all, 0);
	int ok = 0, again = 0;
	for (int i = 0; i < 12; i++) {
		long qr = l_sigqueue(pid, R2, L_SI_QUEUE, i);
		ok += qr == 0;
		again += qr == -11;
	}
	int tid = -1;
	q[0] = l_raise(R2);
	q[1] = l_raise(R3);
	q[2] = l_tgkill(R2);
	q[3] = l_sigqueue(pid, R2, L_SI_USER, 99);
	q[4] = l_sigqueue(pid, L_SIGUSR1, L_SI_QUEUE, 99);
	q[5] = l_timer_create(1, 0, &tid);
	printf("limit 8 (%ld): sigqueue ok %d EAGAIN %d, kill %ld, kill another %ld, tgkill %ld, sigqueue SI_USER %ld, SIGUSR1 %ld, timer_create %ld\n",
	       pr, ok, again, q[0], q[1], q[2], q[3], q[4], q[5]);
	l_sigprocmask(L_SIG_UNBLOCK, all, 0);
	rt_show("delivered");
	linux_syscall4(SYS_prlimit64_, 0, L_RLIMIT_SIGPENDING, (long)lim, 0);
	printf("limit restored: timer_create %ld\n", l_timer_create(1, 0, &tid));
	/* Left armed at exit: the run must cancel it. */
	l_timer_set(tid, 0, 60000000000ll, 1000000000, 0);
}

/* ---- sigint ---- */
/* Raw writes: the signal may come while stdio's buffer is mid-flush. */
static void say(const char *s) { linux_syscall3(SYS_write, 1, s, strlen(s)); }
static void on_sigint(int sig)
{
	say(sig == L_SIGINT ? "handler: got SIGINT\n" : "handler: got another signal\n");
	l_exit(3);
}

static void mode_sigint(void)
{
	l_sigaction(L_SIGINT, on_sigint, 0, 0, 0);
	say("ready\n");
	for (volatile unsigned long spin = 0;; spin++) {}
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "segv")) mode_segv();
	else if (!strcmp(m, "ill")) mode_ill();
	else if (!strcmp(m, "nested")) mode_nested();
	else if (!strcmp(m, "samask")) mode_samask();
	else if (!strcmp(m, "block")) mode_block();
	else if (!strcmp(m, "resethand")) mode_resethand();
	else if (!strcmp(m, "altstack")) mode_altstack();
	else if (!strcmp(m, "alarm")) mode_alarm();
	else if (!strcmp(m, "timers")) mode_timers();
	else if (!strcmp(m, "linuxonly")) mode_linuxonly();
	else if (!strcmp(m, "rtqueue")) mode_rtqueue();
	else if (!strcmp(m, "eintr")) mode_eintr();
	else if (!strcmp(m, "stdin")) mode_stdin();
	else if (!strcmp(m, "futex")) mode_futex();
	else if (!strcmp(m, "regs")) mode_regs();
	else if (!strcmp(m, "hotregs")) mode_hotregs();
	else if (!strcmp(m, "handlerfault")) mode_handlerfault();
	else if (!strcmp(m, "raise") && argc > 2) mode_raise(atoi(argv[2]));
	else if (!strcmp(m, "blocked")) { l_sigprocmask(L_SIG_BLOCK, bit(L_SIGUSR1), 0); mode_raise(L_SIGUSR1);
		printf("pending %llx\n", (unsigned long long)l_sigpending()); }
	else if (!strcmp(m, "ignored")) { l_sigaction(L_SIGUSR1, L_SIG_IGN, 0, 0, 0); mode_raise(L_SIGUSR1); }
	else if (!strncmp(m, "pipe-", 5)) pipe_case(m);
	else if (!strcmp(m, "fuzz") && argc > 2) mode_fuzz((uint32_t)strtoul(argv[2], 0, 10));
	else if (!strcmp(m, "sigint")) mode_sigint();
	else { printf("usage: sigs MODE\n"); return 2; }
	return 0;
}
