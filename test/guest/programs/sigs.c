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
 *   eintr     a pipe read and a sleep interrupted: EINTR, or SA_RESTART
 *   stdin     the same for a read of stdin
 *   regs      a handler changing saved registers and the saved pc
 *   hotregs   a hot loop that sets twelve registers to values known from
 *             the iteration, then loads (faulting every 16th time): the
 *             handler checks every one of them in the saved context
 *   raise N   kill(self, N) without a handler: the default action
 *   blocked | ignored | pipe-ignored | pipe-blocked | pipe-handled
 *   fuzz SEED random sigaction/sigprocmask/kill sequences
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
			if (next() % 2) l_raise(sig); else l_tgkill(sig);
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
	else if (!strcmp(m, "eintr")) mode_eintr();
	else if (!strcmp(m, "stdin")) mode_stdin();
	else if (!strcmp(m, "regs")) mode_regs();
	else if (!strcmp(m, "hotregs")) mode_hotregs();
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
