/* Process entry for hyemu guest programs: the Linux kernel (or qemu-user, or
 * hyemu) leaves argc at 0(sp), then argv, envp and auxv. We set up gp, keep
 * sp 16-byte aligned as the psABI requires and hand the initial stack
 * pointer to C. */
	.section .text.init.enter, "ax"
	.globl _start
	.type _start, @function
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	a0, sp
	andi	sp, sp, -16
	call	__hyemu_start
1:	j	1b
	.size _start, . - _start
