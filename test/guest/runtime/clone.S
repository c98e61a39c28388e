/* The raw clone(2) call for the thread layer (thread.c).
 *
 *   long thr_clone(unsigned long flags, void *stack_top, int *ptid,
 *                  void *tls, int *ctid, int (*fn)(void *), void *arg);
 *
 * RISC-V Linux takes clone's arguments in the CLONE_BACKWARDS order:
 * flags, newsp, parent_tid, tls, child_tid. Returns the new thread's id
 * (or a negative errno) in the caller. The child starts on its own stack
 * with only the registers: it must not return through the caller's frame
 * (that frame lives on the parent's stack, which the parent keeps using),
 * so it runs fn(arg) from here and ends with SYS_exit(fn's result), which
 * ends only that thread. fn and arg travel on the child's stack rather than
 * in registers, so nothing depends on which registers the kernel (or an
 * emulator) preserves across the call. stack_top must be writable. */
	.text
	.globl thr_clone
	.type thr_clone, @function
thr_clone:
	andi	a1, a1, -16		/* the psABI wants sp 16-byte aligned */
	addi	a1, a1, -16
	sw	a5, 0(a1)
	sw	a6, 4(a1)
	li	a7, 220			/* SYS_clone */
	ecall
	beqz	a0, 1f
	ret				/* parent, or an error */
1:	li	s0, 0			/* the child's outermost frame */
	li	ra, 0
	lw	t0, 0(sp)
	lw	a0, 4(sp)
	jalr	t0
	li	a7, 93			/* SYS_exit: this thread only */
	ecall
2:	j	2b
	.size thr_clone, . - thr_clone
