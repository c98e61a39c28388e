/* The thread layer (see thread.h) on raw Linux rv32 system calls. */
#include <elf.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include "linux_syscall.h"
#include "thread.h"

#define L_PROT_NONE 0
#define L_PROT_READ 1
#define L_PROT_WRITE 2
#define L_MAP_PRIVATE 0x02
#define L_MAP_ANONYMOUS 0x20
#define L_EINTR 4
#define L_EAGAIN 11
#define L_PAGE 4096u

extern unsigned long __hyemu_auxv[64];	/* start.c */

/* The thread running on this TLS block; the main thread's stays NULL. */
static __thread thr_t *self;

long thr_gettid(void) { return linux_syscall0(SYS_gettid); }
long thr_getpid(void) { return linux_syscall0(SYS_getpid); }
long thr_tgkill(long tgid, long tid, int sig) { return linux_syscall3(THR_SYS_tgkill, tgid, tid, sig); }
long thr_yield(void) { return linux_syscall0(SYS_sched_yield); }

void thr_exit_group(int status)
{
	for (;;)
		linux_syscall1(SYS_exit_group, status);
}

long thr_futex_wait(volatile int *addr, int expected, int shared)
{
	int op = THR_FUTEX_WAIT | (shared ? 0 : THR_FUTEX_PRIVATE_FLAG);
	return linux_syscall4(THR_SYS_futex_time64, addr, op, expected, 0);
}

long thr_futex_wake(volatile int *addr, int count, int shared)
{
	int op = THR_FUTEX_WAKE | (shared ? 0 : THR_FUTEX_PRIVATE_FLAG);
	return linux_syscall3(THR_SYS_futex_time64, addr, op, count);
}

/* The PT_TLS program header, as start.c finds it for the main thread: a
 * new thread's block is laid out the same way (the .tdata image, then
 * zeroed .tbss, with tp at its start: RISC-V's TLS variant I has no TCB
 * before the block for local-exec code). */
static const Elf32_Phdr *tls_phdr(void)
{
	const Elf32_Phdr *ph = (const Elf32_Phdr *)__hyemu_auxv[3 /* AT_PHDR */];
	unsigned long n = __hyemu_auxv[5 /* AT_PHNUM */];
	for (unsigned long i = 0; ph && i < n; i++)
		if (ph[i].p_type == PT_TLS)
			return &ph[i];
	return 0;
}

static int thr_start(void *p)
{
	thr_t *t = p;
	self = t;
	t->ret = t->fn(t->arg);
	return 0;
}

int thr_create(thr_t *t, void *(*fn)(void *), void *arg)
{
	const Elf32_Phdr *tls = tls_phdr();
	size_t tls_size = tls ? tls->p_memsz : 0;
	size_t tls_align = tls && tls->p_align > 16 ? tls->p_align : 16;
	if (tls_align > L_PAGE)
		return -22;	/* EINVAL: more than a mapping's alignment */
	size_t tls_room = (tls_size + tls_align - 1) & ~(tls_align - 1);

	/* One mapping: a guard page (a stack overflow faults instead of
	 * corrupting memory), the stack, and the TLS block at the top. */
	size_t len = (L_PAGE + THR_STACK_SIZE + tls_room + L_PAGE - 1) & ~(size_t)(L_PAGE - 1);
	long map = linux_syscall6(SYS_mmap2, 0, len, L_PROT_READ | L_PROT_WRITE,
				  L_MAP_PRIVATE | L_MAP_ANONYMOUS, -1, 0);
	if (map < 0 && map > -4096)
		return (int)map;
	linux_syscall3(SYS_mprotect, map, L_PAGE, L_PROT_NONE);

	char *block = (char *)((uintptr_t)(map + len - tls_room) & ~(uintptr_t)(tls_align - 1));
	if (tls) {
		memcpy(block, (const void *)tls->p_vaddr, tls->p_filesz);
		memset(block + tls->p_filesz, 0, tls->p_memsz - tls->p_filesz);
	}

	t->fn = fn;
	t->arg = arg;
	t->ret = 0;
	t->map = (void *)map;
	t->map_len = len;
	t->tid = 0;
	long r = thr_clone(THR_CLONE_FLAGS, block, (int *)&t->tid, block, (int *)&t->tid, thr_start, t);
	if (r < 0) {
		linux_syscall2(SYS_munmap, map, len);
		t->map = 0;
		return (int)r;
	}
	t->id = (int)r;
	return 0;
}

int thr_join(thr_t *t, void **ret)
{
	/* The kernel's clear-tid wake is a shared futex wake (glibc and musl
	 * wait shared too): a private wait would key differently and sleep
	 * forever. EAGAIN (the word changed) and EINTR just mean look again. */
	for (;;) {
		int tid = t->tid;
		if (tid == 0)
			break;
		thr_futex_wait(&t->tid, tid, 1);
	}
	/* Cleared means the thread is done with its stack and TLS. */
	if (t->map)
		linux_syscall2(SYS_munmap, t->map, t->map_len);
	t->map = 0;
	if (ret)
		*ret = t->ret;
	return 0;
}

thr_t *thr_self(void) { return self; }

void thr_exit(void *ret)
{
	if (self)
		self->ret = ret;
	for (;;)
		linux_syscall1(SYS_exit, 0);
}

/* ---- mutex ---- */

static int cas(volatile int *p, int expected, int desired)
{
	__atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	return expected;	/* the old value */
}

void thr_mutex_lock(thr_mutex_t *m)
{
	int c = cas(&m->state, 0, 1);
	if (c == 0)
		return;
	/* Contended: mark the lock as having waiters (2) before sleeping, so
	 * the holder's unlock knows it has someone to wake. */
	if (c != 2)
		c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		thr_futex_wait(&m->state, 2, 0);
		c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
	}
}

int thr_mutex_trylock(thr_mutex_t *m) { return cas(&m->state, 0, 1) == 0; }

void thr_mutex_unlock(thr_mutex_t *m)
{
	if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
		thr_futex_wake(&m->state, 1, 0);
	}
}

/* ---- condition variable ---- */

void thr_cond_wait(thr_cond_t *c, thr_mutex_t *m)
{
	int seq = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);
	thr_mutex_unlock(m);
	thr_futex_wait(&c->seq, seq, 0);
	thr_mutex_lock(m);
}

void thr_cond_signal(thr_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	thr_futex_wake(&c->seq, 1, 0);
}

void thr_cond_broadcast(thr_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	thr_futex_wake(&c->seq, INT_MAX, 0);
}
