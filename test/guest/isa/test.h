/* Macros for self-checking ISA tests in assembly (no libc).
 *
 * Each test file defines `_start` via TEST_BEGIN, then a sequence of
 * checks. A failing check prints "FAIL <n>\n" and exits with status n
 * (the check number, clamped to 255; the printed <n> is exact). Results
 * are also printed as hex words with PRINT_REG so that differential runs
 * against qemu-riscv32 compare values and not only pass/fail. TEST_END
 * prints "PASS\n" and exits 0.
 *
 * Register conventions inside tests: s10 holds the check number, s11 is
 * scratch for the macros; a0-a7 and t0-t6 may be clobbered by PRINT_REG
 * (it actually uses a0-a2, a7, t0-t3, ra and 16 bytes below sp).
 * Helpers: CHECK_REG (register vs register), CHECK_MEMW (word in memory
 * vs immediate). The expected values in isa/cases.json are the stdout and
 * exit status of a correct run (verified with qemu-riscv32).
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

/* CHECK_REG(reg, reg2): compare two registers for equality. */
#define CHECK_REG(reg, reg2)  \
	addi s10, s10, 1;         \
	bne reg, reg2, fail;

/* CHECK_MEMW(tmp, label, expected): load the word at `label` into tmp
 * (clobbered) and compare it against an immediate. */
#define CHECK_MEMW(tmp, label, expected) \
	la tmp, label;            \
	lw tmp, 0(tmp);           \
	CHECK(tmp, expected)

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
	/* exit status is the check number, clamped to 255 so that check  \
	   256, 512, ... cannot exit with status 0 */                      \
	mv a0, s10;               \
	li s11, 255;              \
	bleu a0, s11, 3f;         \
	mv a0, s11;               \
3:	li a7, SYS_exit_group;    \
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
