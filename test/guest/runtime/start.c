/* C start-up for hyemu guests: read the initial stack the kernel built,
 * set up thread-local storage from the PT_TLS program header found via
 * AT_PHDR (as a real libc does), run constructors, call main, exit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <unistd.h>
#include "linux_syscall.h"

#ifndef AT_PHDR
#define AT_PHDR 3
#define AT_PHNUM 5
#endif

extern int main(int argc, char **argv, char **envp);
extern char **environ;
extern void (*__preinit_array_start[])(void) __attribute__((weak));
extern void (*__preinit_array_end[])(void) __attribute__((weak));
extern void (*__init_array_start[])(void) __attribute__((weak));
extern void (*__init_array_end[])(void) __attribute__((weak));

/* auxv values other code may want (tests print some of them). */
unsigned long __hyemu_auxv[64];

/* Static TLS area; RISC-V uses TLS variant I with tp pointing at the start
 * of the TLS block. picolibc needs only a few bytes (errno). */
static char tls_area[512] __attribute__((aligned(64)));

static void init_tls(void)
{
	const Elf32_Phdr *ph = (const Elf32_Phdr *)__hyemu_auxv[AT_PHDR];
	unsigned long n = __hyemu_auxv[AT_PHNUM];
	for (unsigned long i = 0; ph && i < n; i++) {
		if (ph[i].p_type != PT_TLS)
			continue;
		if (ph[i].p_memsz > sizeof tls_area)
			_exit(127);
		memcpy(tls_area, (const void *)ph[i].p_vaddr, ph[i].p_filesz);
		memset(tls_area + ph[i].p_filesz, 0, ph[i].p_memsz - ph[i].p_filesz);
	}
	__asm__ volatile("mv tp, %0" : : "r"(tls_area));
}

void __hyemu_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **p = envp;
	while (*p)
		p++;
	for (unsigned long *av = (unsigned long *)(p + 1); av[0] != 0; av += 2)
		if (av[0] < 64)
			__hyemu_auxv[av[0]] = av[1];
	environ = envp;
	init_tls();
	for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; f++)
		(*f)();
	for (void (**f)(void) = __init_array_start; f < __init_array_end; f++)
		(*f)();
	exit(main(argc, argv, envp));
}
