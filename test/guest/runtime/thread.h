/* A minimal thread layer for the rv32 guest test programs (thr_*.c), on
 * raw Linux system calls: picolibc has no threads. Threads are clone(2)
 * threads with their own stack and TLS block, joined through the kernel's
 * clear-tid futex wake; mutexes and condition variables are futex based.
 *
 * picolibc itself is not thread-safe (stdio buffers, malloc): the test
 * programs print and allocate from the main thread only. errno is
 * thread-local, so system call wrappers are safe in any thread. */
#ifndef HYEMU_THREAD_H
#define HYEMU_THREAD_H

#include <stddef.h>

#define THR_SYS_clone 220
#define THR_SYS_tgkill 131
#define THR_SYS_futex_time64 422

#define THR_CLONE_VM 0x00000100
#define THR_CLONE_FS 0x00000200
#define THR_CLONE_FILES 0x00000400
#define THR_CLONE_SIGHAND 0x00000800
#define THR_CLONE_THREAD 0x00010000
#define THR_CLONE_SYSVSEM 0x00040000
#define THR_CLONE_SETTLS 0x00080000
#define THR_CLONE_PARENT_SETTID 0x00100000
#define THR_CLONE_CHILD_CLEARTID 0x00200000
/* What thr_create passes: a POSIX thread, as glibc and musl create them. */
#define THR_CLONE_FLAGS 0x003d0f00

#define THR_FUTEX_WAIT 0
#define THR_FUTEX_WAKE 1
#define THR_FUTEX_PRIVATE_FLAG 128

/* Default size of a thread's stack (a PROT_NONE guard page sits below). */
#define THR_STACK_SIZE (64 * 1024)

typedef struct thr {
	/* The thread's id while it runs: the kernel stores it before clone
	 * returns (CLONE_PARENT_SETTID) and clears it, with a futex wake,
	 * once the thread has exited (CLONE_CHILD_CLEARTID). */
	volatile int tid;
	int id;			/* the id clone returned; kept after exit */
	void *(*fn)(void *);
	void *arg;
	void *ret;		/* fn's result, or thr_exit's argument */
	void *map;		/* stack, guard page and TLS block, one mapping */
	size_t map_len;
} thr_t;

/* Starts fn(arg) in a new thread. 0, or a negative errno. */
int thr_create(thr_t *t, void *(*fn)(void *), void *arg);
/* Waits for t to end, frees its stack; *ret (if ret) gets its result. */
int thr_join(thr_t *t, void **ret);
/* The calling thread's thr_t (NULL in the main thread). */
thr_t *thr_self(void);
/* Ends the calling thread only (SYS_exit), with ret as its result. */
void thr_exit(void *ret) __attribute__((noreturn));

/* The raw clone (clone.S): the child runs fn(arg), then SYS_exit with its
 * result. Returns the child's id or a negative errno; stack_top must be
 * writable memory even if the call is expected to fail. */
long thr_clone(unsigned long flags, void *stack_top, int *ptid, void *tls,
	       int *ctid, int (*fn)(void *), void *arg);

/* System call wrappers; results are raw (negative errno on failure). */
long thr_gettid(void);
long thr_getpid(void);
long thr_tgkill(long tgid, long tid, int sig);
long thr_yield(void);
void thr_exit_group(int status) __attribute__((noreturn));
/* futex_time64 with no timeout; private (process-local) unless shared. */
long thr_futex_wait(volatile int *addr, int expected, int shared);
long thr_futex_wake(volatile int *addr, int count, int shared);

/* Drepper's mutex ("Futexes Are Tricky", mutex 3): 0 unlocked, 1 locked,
 * 2 locked with possible waiters, so an uncontended unlock makes no call. */
typedef struct { volatile int state; } thr_mutex_t;
#define THR_MUTEX_INIT { 0 }
void thr_mutex_lock(thr_mutex_t *m);
int thr_mutex_trylock(thr_mutex_t *m);	/* 1 if it took the lock */
void thr_mutex_unlock(thr_mutex_t *m);

/* A sequence-counter condition variable: a waiter sleeps unless the
 * counter moved since it read it (under the mutex), so no wake-up is lost.
 * Waits may wake spuriously, as POSIX allows: callers loop on a predicate. */
typedef struct { volatile int seq; } thr_cond_t;
#define THR_COND_INIT { 0 }
void thr_cond_wait(thr_cond_t *c, thr_mutex_t *m);
void thr_cond_signal(thr_cond_t *c);
void thr_cond_broadcast(thr_cond_t *c);

#endif
