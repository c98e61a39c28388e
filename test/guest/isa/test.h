/* Macros for self-checking ISA tests in assembly (no libc).
 *
 * Each test file defines `_start` via TEST_BEGIN, then a sequence of
 * checks. A failing check prints "FAIL <n>\n" and exits with status n
 * (the check number, 1..255). Results are also printed as hex words with
 * PRINT_REG so that differential runs against qemu-riscv32 compare values
 * and not only pass/fail. TEST_END prints "PASS\n" and exits 0.
 *
 * Register conventions inside tests: s10 holds the check number, s11 is
 * scratch for the macros; a0-a7 and t0-t6 may be clobbered by PRINT_REG.
 */
#define SYS_write 64
#define SYS_exit_group 94

#define TEST_BEGIN            \
	.text;                    \
	.globl _start;            \
_start:                       \
	.option push;             \
	.option norelax;          \
	la gp, __global_pointer$; \
	.option pop;              \
	li s10, 0;

/* CHECK(reg, expected): compare a register against an immediate. */
#define CHECK(reg, expected)  \
	addi s10, s10, 1;         \
	li s11, expected;         \
	bne reg, s11, fail;

/* PRINT_REG(reg): print the register as 8 hex digits and a newline. */
#define PRINT_REG(reg)        \
	mv a0, reg;               \
	call print_hex;

#define TEST_END              \
	la a1, pass_msg;          \
	li a2, 5;                 \
	li a0, 1;                 \
	li a7, SYS_write;         \
	ecall;                    \
	li a0, 0;                 \
	li a7, SYS_exit_group;    \
	ecall;                    \
fail:                         \
	la a1, fail_msg;          \
	li a2, 5;                 \
	li a0, 1;                 \
	li a7, SYS_write;         \
	ecall;                    \
	mv a0, s10;               \
	call print_hex;           \
	mv a0, s10;               \
	li a7, SYS_exit_group;    \
	ecall;                    \
print_hex:                    \
	addi sp, sp, -16;         \
	li t0, 28;                \
	mv t2, sp;                \
1:	srl t1, a0, t0;           \
	andi t1, t1, 15;          \
	addi t1, t1, 48;          \
	li t3, 58;                \
	blt t1, t3, 2f;           \
	addi t1, t1, 39;          \
2:	sb t1, 0(t2);             \
	addi t2, t2, 1;           \
	addi t0, t0, -4;          \
	bgez t0, 1b;              \
	li t1, 10;                \
	sb t1, 0(t2);             \
	li a0, 1;                 \
	mv a1, sp;                \
	li a2, 9;                 \
	li a7, SYS_write;         \
	ecall;                    \
	addi sp, sp, 16;          \
	ret;                      \
	.section .rodata;         \
pass_msg: .ascii "PASS\n";    \
fail_msg: .ascii "FAIL ";     \
	.text;
