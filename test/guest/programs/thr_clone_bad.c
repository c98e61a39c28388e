/* clone flag combinations Linux rejects with EINVAL before creating
 * anything (copy_process's sanity checks, ahead of any permission check),
 * so the result is the same unprivileged or not. qemu-user rejects them
 * too. A fork-like clone is left out: qemu-user really forks; so is
 * CLONE_VM without CLONE_THREAD: Linux allows it, qemu-user does not.
 * Every call gets a real stack and entry, so an emulator that wrongly
 * accepts one runs a child that just exits, and this prints "created".
 * Afterwards a normal thread must still work. */
#include <stdio.h>
#include "thread.h"

#define L_CSIGCHLD 17
#define L_CLONE_PIDFD 0x00001000
#define L_CLONE_NEWNS 0x00020000
#define L_CLONE_NEWPID 0x20000000
#define L_EINVAL 22

static char stack[16384] __attribute__((aligned(16)));
static int tid_word;

static int child(void *arg) { (void)arg; return 0; }

static const struct { const char *what; unsigned long flags; } cases[] = {
	{ "CLONE_THREAD without CLONE_SIGHAND", THR_CLONE_VM | THR_CLONE_THREAD },
	{ "CLONE_SIGHAND without CLONE_VM", THR_CLONE_SIGHAND | L_CSIGCHLD },
	{ "CLONE_THREAD|CLONE_SIGHAND without CLONE_VM", THR_CLONE_THREAD | THR_CLONE_SIGHAND },
	{ "thread flags with CLONE_NEWPID", THR_CLONE_FLAGS | L_CLONE_NEWPID },
	{ "CLONE_NEWNS with CLONE_FS", L_CLONE_NEWNS | THR_CLONE_FS | L_CSIGCHLD },
	{ "CLONE_PIDFD with CLONE_PARENT_SETTID", L_CLONE_PIDFD | THR_CLONE_PARENT_SETTID | L_CSIGCHLD },
};

static void *ping(void *arg) { return arg; }

int main(void)
{
	int ok = 1;
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long r = thr_clone(cases[i].flags, stack + sizeof stack, &tid_word, 0, &tid_word, child, 0);
		if (r < 0)
			printf("%s: errno %ld\n", cases[i].what, -r);
		else
			printf("%s: created\n", cases[i].what);
		ok &= r == -L_EINVAL;
	}
	thr_t t;
	void *ret = 0;
	int r = thr_create(&t, ping, (void *)1234);
	if (r == 0)
		thr_join(&t, &ret);
	printf("a normal thread afterwards: %s\n", r == 0 && ret == (void *)1234 ? "ok" : "FAIL");
	ok &= r == 0 && ret == (void *)1234;
	printf("%s\n", ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}
