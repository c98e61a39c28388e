/* Thread ids and thread-directed signals. The main thread's tid is the
 * pid; a new thread's gettid() is what clone returned and differs from
 * main's, while getpid() is shared. The thread sends SIGUSR1 to main with
 * tgkill while main waits on a futex; then main sends SIGUSR2 to the
 * thread the same way. Each handler notes which thread it ran on and
 * checks si_code (SI_TKILL) and si_pid. Then tgkill's errors. */
#include <stdio.h>
#include "sigutil.h"
#include "thread.h"

#define L_ESRCH 3
#define L_EINVAL 22

static long main_tid, pid;
static volatile long child_tid_seen, child_pid_seen;
static volatile int usr1, usr2;		/* the handlers' flags */
static volatile long usr1_tid, usr2_tid;
static volatile int usr1_info_ok, usr2_info_ok;

static int info_ok(const linfo_t *info) { return info->code == L_SI_TKILL && (long)info->addr_or_pid == pid; }

static void on_usr1(int sig, linfo_t *info, void *uc)
{
	(void)sig, (void)uc;
	usr1_tid = thr_gettid();
	usr1_info_ok = info_ok(info);
	usr1 = 1;
}

static void on_usr2(int sig, linfo_t *info, void *uc)
{
	(void)sig, (void)uc;
	usr2_tid = thr_gettid();
	usr2_info_ok = info_ok(info);
	usr2 = 1;
}

static void *child(void *arg)
{
	(void)arg;
	child_tid_seen = thr_gettid();
	child_pid_seen = thr_getpid();
	thr_tgkill(pid, main_tid, L_SIGUSR1);
	/* The handler interrupts the wait (EINTR) or runs before it. */
	while (!usr2)
		thr_futex_wait(&usr2, 0, 0);
	return 0;
}

int main(void)
{
	pid = thr_getpid();
	main_tid = thr_gettid();
	l_sigaction(L_SIGUSR1, (void *)on_usr1, L_SA_SIGINFO, 0, 0);
	l_sigaction(L_SIGUSR2, (void *)on_usr2, L_SA_SIGINFO, 0, 0);
	printf("main: gettid() == getpid(): %s\n", main_tid == pid ? "yes" : "no");

	thr_t t;
	thr_create(&t, child, 0);
	while (!usr1)
		thr_futex_wait(&usr1, 0, 0);
	thr_tgkill(pid, t.id, L_SIGUSR2);
	long bad_tid = thr_tgkill(pid, 0, 0);
	long wrong_group = thr_tgkill(1, t.id, 0);
	thr_join(&t, 0);

	int ok = main_tid == pid;
	int c_differs = child_tid_seen != main_tid, c_is_clone = child_tid_seen == t.id;
	int c_pid = child_pid_seen == pid;
	printf("child: gettid() differs from main's: %s, equals clone's result: %s, getpid() same: %s\n",
	       c_differs ? "yes" : "no", c_is_clone ? "yes" : "no", c_pid ? "yes" : "no");
	ok &= c_differs && c_is_clone && c_pid;
	printf("SIGUSR1 from child: ran on main: %s, SI_TKILL from our pid: %s\n",
	       usr1_tid == main_tid ? "yes" : "no", usr1_info_ok ? "yes" : "no");
	ok &= usr1_tid == main_tid && usr1_info_ok;
	printf("SIGUSR2 from main: ran on child: %s, SI_TKILL from our pid: %s\n",
	       usr2_tid == child_tid_seen ? "yes" : "no", usr2_info_ok ? "yes" : "no");
	ok &= usr2_tid == child_tid_seen && usr2_info_ok;
	printf("tgkill(pid, 0, 0) = %ld\n", bad_tid);
	printf("tgkill(1, child, 0) = %ld\n", wrong_group);
	ok &= bad_tid == -L_EINVAL && wrong_group == -L_ESRCH;
	printf("%s\n", ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}
