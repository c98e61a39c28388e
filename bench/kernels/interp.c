/* interp: a bytecode interpreter for a small 16-register virtual machine
 * with variable-length instructions, dispatched through one large switch.
 * The program, assembled at start-up, computes an iterative Fibonacci
 * number, counts primes by trial division, computes a recursive Fibonacci
 * number through CALL/RET and a data stack, runs a sieve in VM memory and
 * hashes that memory.  Stresses indirect jumps (the switch's jump table),
 * byte loads of operands and unpredictable branches.
 *
 * Property checks: a fixed run gives well-known values (fib(47) =
 * 2971215073, pi(2000) = 303, fib(20) = 6765, pi(5000) = 669), and every
 * run's outputs equal the same quantities computed natively in C. */
#include "common.h"

#define DEFAULT_ITERATIONS 120u
#define MEMWORDS 8192u
#define STACK 512

enum {
	OP_HALT, OP_LI, OP_MOV, OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_REMU,
	OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_SLTU, OP_ADDI, OP_LD, OP_ST,
	OP_JMP, OP_BEQ, OP_BNE, OP_BLTU, OP_BGEU, OP_BLT, OP_BGE, OP_BEQZ,
	OP_BNEZ, OP_CALL, OP_RET, OP_PUSH, OP_POP, OP_INC, OP_DEC, OP_OUT,
	OP_NOP
};

/* ---- a tiny assembler -------------------------------------------------- */

static uint8_t code[2048];
static uint32_t pc_asm;
enum { MAXLABELS = 64, MAXFIX = 128 };
static int32_t label_at[MAXLABELS];
static struct { uint32_t pos; int label; } fixups[MAXFIX];
static int nfix;

static void b(uint32_t v) { code[pc_asm++] = (uint8_t)v; }
static void target(int label)
{
	fixups[nfix].pos = pc_asm;
	fixups[nfix++].label = label;
	b(0);
	b(0);
}
static void L(int label) { label_at[label] = (int32_t)pc_asm; }
static void li(int rd, uint32_t imm)
{
	b(OP_LI); b((uint32_t)rd);
	b(imm); b(imm >> 8); b(imm >> 16); b(imm >> 24);
}
static void r1(int op, int ra) { b((uint32_t)op); b((uint32_t)ra); }
static void r2(int op, int rd, int rs) { b((uint32_t)op); b((uint32_t)rd); b((uint32_t)rs); }
static void r3(int op, int rd, int ra, int rb)
{
	b((uint32_t)op); b((uint32_t)rd); b((uint32_t)ra); b((uint32_t)rb);
}
static void ri(int op, int rd, int rs, int imm8)
{
	b((uint32_t)op); b((uint32_t)rd); b((uint32_t)rs); b((uint32_t)(uint8_t)imm8);
}
static void jmp(int op, int label) { b((uint32_t)op); target(label); }
static void bz(int op, int ra, int label) { b((uint32_t)op); b((uint32_t)ra); target(label); }
static void br(int op, int ra, int rb, int label)
{
	b((uint32_t)op); b((uint32_t)ra); b((uint32_t)rb); target(label);
}

enum {
	L_FIB_LOOP, L_FIB_DONE, L_PR_OUTER, L_PR_INNER, L_PR_PRIME, L_PR_NOT,
	L_PR_DONE, L_FILL, L_FILLED, L_SV_P, L_SV_MARK, L_SV_NEXT, L_SV_COUNT,
	L_SV_CL, L_SV_DONE, L_HASH, L_HASH_DONE, L_RFIB, L_RFIB_BASE, L_SG_LOOP,
	L_SG_NZ, L_SG_NONNEG, L_SG_NEXT, L_SG_DONE
};

/* Inputs: r1 = n for the iterative fib, r2 = limit for trial division,
 * r3 = n for the recursive fib, r4 = sieve limit (< MEMWORDS). */
static void assemble(void)
{
	for (int i = 0; i < MAXLABELS; i++)
		label_at[i] = -1;
	/* iterative fib(r1) */
	li(10, 0); li(11, 1); r2(OP_MOV, 12, 1); li(14, 0);
	L(L_FIB_LOOP);
	br(OP_BEQ, 12, 14, L_FIB_DONE);
	r3(OP_ADD, 13, 10, 11); r2(OP_MOV, 10, 11); r2(OP_MOV, 11, 13);
	r1(OP_DEC, 12);
	jmp(OP_JMP, L_FIB_LOOP);
	L(L_FIB_DONE);
	r1(OP_OUT, 10);

	/* primes <= r2 by trial division */
	li(6, 0); li(7, 2);
	L(L_PR_OUTER);
	br(OP_BLTU, 2, 7, L_PR_DONE);
	li(8, 2);
	L(L_PR_INNER);
	r3(OP_MUL, 9, 8, 8);
	br(OP_BLTU, 7, 9, L_PR_PRIME);
	r3(OP_REMU, 9, 7, 8);
	bz(OP_BEQZ, 9, L_PR_NOT);
	r1(OP_INC, 8);
	jmp(OP_JMP, L_PR_INNER);
	L(L_PR_PRIME);
	r1(OP_INC, 6);
	L(L_PR_NOT);
	r1(OP_INC, 7);
	jmp(OP_JMP, L_PR_OUTER);
	L(L_PR_DONE);
	r1(OP_OUT, 6);

	/* recursive fib(r3) -> r0 */
	jmp(OP_CALL, L_RFIB);
	r1(OP_OUT, 0);

	/* sieve in mem[2..r4]; count */
	li(7, 2); li(9, 1);
	L(L_FILL);
	br(OP_BLTU, 4, 7, L_FILLED);
	ri(OP_ST, 9, 7, 0);
	r1(OP_INC, 7);
	jmp(OP_JMP, L_FILL);
	L(L_FILLED);
	li(7, 2); li(14, 0);
	L(L_SV_P);
	r3(OP_MUL, 9, 7, 7);
	br(OP_BLTU, 4, 9, L_SV_COUNT);
	ri(OP_LD, 9, 7, 0);
	bz(OP_BEQZ, 9, L_SV_NEXT);
	r3(OP_MUL, 8, 7, 7);
	L(L_SV_MARK);
	br(OP_BLTU, 4, 8, L_SV_NEXT);
	ri(OP_ST, 14, 8, 0);
	r3(OP_ADD, 8, 8, 7);
	jmp(OP_JMP, L_SV_MARK);
	L(L_SV_NEXT);
	r1(OP_INC, 7);
	jmp(OP_JMP, L_SV_P);
	L(L_SV_COUNT);
	li(6, 0); li(7, 2);
	L(L_SV_CL);
	br(OP_BLTU, 4, 7, L_SV_DONE);
	ri(OP_LD, 9, 7, 0);
	r3(OP_ADD, 6, 6, 9);
	r1(OP_INC, 7);
	jmp(OP_JMP, L_SV_CL);
	L(L_SV_DONE);
	r1(OP_OUT, 6);

	/* hash of mem[0..r4] with shifts, xor, and/or, divide */
	li(6, 0x811c9dc5u); li(7, 0); li(14, 5); li(15, 27); li(12, 7);
	li(11, 0xffffu);
	L(L_HASH);
	br(OP_BGEU, 7, 4, L_HASH_DONE);
	ri(OP_LD, 9, 7, 0);
	r3(OP_SHL, 8, 6, 14); r3(OP_SHR, 13, 6, 15); r3(OP_OR, 6, 8, 13);
	r3(OP_XOR, 6, 6, 9); r3(OP_ADD, 6, 6, 7);
	r3(OP_DIVU, 13, 6, 12); r3(OP_AND, 13, 13, 11); r3(OP_SUB, 6, 6, 13);
	r3(OP_SLTU, 13, 6, 7); r3(OP_ADD, 6, 6, 13);
	ri(OP_ADDI, 7, 7, 1);
	b(OP_NOP);
	jmp(OP_JMP, L_HASH);
	L(L_HASH_DONE);
	r1(OP_OUT, 6);

	/* signed compares over i in [-h, h), h = r2 / 2: count i < 0,
	 * i >= 17 and i == 0 */
	li(6, 0); li(10, 0); li(11, 0); li(5, 2); r3(OP_DIVU, 9, 2, 5);
	li(8, 0); r3(OP_SUB, 7, 8, 9); li(13, 17);
	L(L_SG_LOOP);
	br(OP_BGE, 7, 9, L_SG_DONE);
	br(OP_BNE, 7, 8, L_SG_NZ);
	r1(OP_INC, 11);
	L(L_SG_NZ);
	br(OP_BGE, 7, 8, L_SG_NONNEG);
	r1(OP_INC, 6);
	jmp(OP_JMP, L_SG_NEXT);
	L(L_SG_NONNEG);
	br(OP_BLT, 7, 13, L_SG_NEXT);
	r1(OP_INC, 10);
	L(L_SG_NEXT);
	ri(OP_ADDI, 7, 7, 1);
	jmp(OP_JMP, L_SG_LOOP);
	L(L_SG_DONE);
	r1(OP_OUT, 6); r1(OP_OUT, 10); r1(OP_OUT, 11);
	b(OP_HALT);

	/* fib(r3) -> r0, clobbers r3, r5 */
	L(L_RFIB);
	li(5, 2);
	br(OP_BLTU, 3, 5, L_RFIB_BASE);
	r1(OP_PUSH, 3);
	ri(OP_ADDI, 3, 3, -1);
	jmp(OP_CALL, L_RFIB);
	r1(OP_POP, 3);
	r1(OP_PUSH, 0);
	ri(OP_ADDI, 3, 3, -2);
	jmp(OP_CALL, L_RFIB);
	r1(OP_POP, 5);
	r3(OP_ADD, 0, 0, 5);
	b(OP_RET);
	L(L_RFIB_BASE);
	r2(OP_MOV, 0, 3);
	b(OP_RET);

	for (int i = 0; i < nfix; i++) {
		int32_t at = label_at[fixups[i].label];
		code[fixups[i].pos] = (uint8_t)at;
		code[fixups[i].pos + 1] = (uint8_t)(at >> 8);
	}
}

/* ---- the interpreter ----------------------------------------------------- */

#define NOUT 8

struct vm {
	uint32_t r[16];
	uint32_t mem[MEMWORDS];
	uint32_t stack[STACK];
	uint16_t calls[STACK];
	uint32_t out[NOUT];
	uint32_t nout;
	uint32_t steps;
};

static struct vm vm;

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

static void run(struct vm *m, const uint8_t *prog)
{
	uint32_t pc = 0, sp = 0, csp = 0, steps = 0;
	uint32_t *r = m->r;
	for (;;) {
		const uint8_t *ip = prog + pc;
		steps++;
		switch (ip[0]) {
		case OP_HALT:
			m->steps += steps;
			return;
		case OP_LI:
			r[ip[1] & 15] = (uint32_t)ip[2] | (uint32_t)ip[3] << 8 |
					(uint32_t)ip[4] << 16 | (uint32_t)ip[5] << 24;
			pc += 6;
			break;
		case OP_MOV: r[ip[1] & 15] = r[ip[2] & 15]; pc += 3; break;
		case OP_ADD: r[ip[1] & 15] = r[ip[2] & 15] + r[ip[3] & 15]; pc += 4; break;
		case OP_SUB: r[ip[1] & 15] = r[ip[2] & 15] - r[ip[3] & 15]; pc += 4; break;
		case OP_MUL: r[ip[1] & 15] = r[ip[2] & 15] * r[ip[3] & 15]; pc += 4; break;
		case OP_DIVU: {
			uint32_t d = r[ip[3] & 15];
			r[ip[1] & 15] = d ? r[ip[2] & 15] / d : 0xffffffffu;
			pc += 4;
			break;
		}
		case OP_REMU: {
			uint32_t d = r[ip[3] & 15];
			r[ip[1] & 15] = d ? r[ip[2] & 15] % d : r[ip[2] & 15];
			pc += 4;
			break;
		}
		case OP_AND: r[ip[1] & 15] = r[ip[2] & 15] & r[ip[3] & 15]; pc += 4; break;
		case OP_OR: r[ip[1] & 15] = r[ip[2] & 15] | r[ip[3] & 15]; pc += 4; break;
		case OP_XOR: r[ip[1] & 15] = r[ip[2] & 15] ^ r[ip[3] & 15]; pc += 4; break;
		case OP_SHL: r[ip[1] & 15] = r[ip[2] & 15] << (r[ip[3] & 15] & 31); pc += 4; break;
		case OP_SHR: r[ip[1] & 15] = r[ip[2] & 15] >> (r[ip[3] & 15] & 31); pc += 4; break;
		case OP_SLTU: r[ip[1] & 15] = r[ip[2] & 15] < r[ip[3] & 15]; pc += 4; break;
		case OP_ADDI:
			r[ip[1] & 15] = r[ip[2] & 15] + (uint32_t)(int32_t)(int8_t)ip[3];
			pc += 4;
			break;
		case OP_LD:
			r[ip[1] & 15] = m->mem[(r[ip[2] & 15] + (uint32_t)(int32_t)(int8_t)ip[3]) & (MEMWORDS - 1)];
			pc += 4;
			break;
		case OP_ST:
			m->mem[(r[ip[2] & 15] + (uint32_t)(int32_t)(int8_t)ip[3]) & (MEMWORDS - 1)] = r[ip[1] & 15];
			pc += 4;
			break;
		case OP_JMP: pc = rd16(ip + 1); break;
		case OP_BEQ: pc = r[ip[1] & 15] == r[ip[2] & 15] ? rd16(ip + 3) : pc + 5; break;
		case OP_BNE: pc = r[ip[1] & 15] != r[ip[2] & 15] ? rd16(ip + 3) : pc + 5; break;
		case OP_BLTU: pc = r[ip[1] & 15] < r[ip[2] & 15] ? rd16(ip + 3) : pc + 5; break;
		case OP_BGEU: pc = r[ip[1] & 15] >= r[ip[2] & 15] ? rd16(ip + 3) : pc + 5; break;
		case OP_BLT:
			pc = (int32_t)r[ip[1] & 15] < (int32_t)r[ip[2] & 15] ? rd16(ip + 3) : pc + 5;
			break;
		case OP_BGE:
			pc = (int32_t)r[ip[1] & 15] >= (int32_t)r[ip[2] & 15] ? rd16(ip + 3) : pc + 5;
			break;
		case OP_BEQZ: pc = r[ip[1] & 15] == 0 ? rd16(ip + 2) : pc + 4; break;
		case OP_BNEZ: pc = r[ip[1] & 15] != 0 ? rd16(ip + 2) : pc + 4; break;
		case OP_CALL:
			m->calls[csp++ % STACK] = (uint16_t)(pc + 3);
			pc = rd16(ip + 1);
			break;
		case OP_RET: pc = m->calls[--csp % STACK]; break;
		case OP_PUSH: m->stack[sp++ % STACK] = r[ip[1] & 15]; pc += 2; break;
		case OP_POP: r[ip[1] & 15] = m->stack[--sp % STACK]; pc += 2; break;
		case OP_INC: r[ip[1] & 15]++; pc += 2; break;
		case OP_DEC: r[ip[1] & 15]--; pc += 2; break;
		case OP_OUT:
			m->out[m->nout++ % NOUT] = r[ip[1] & 15];
			pc += 2;
			break;
		case OP_NOP: pc += 1; break;
		default:
			/* Unknown opcode: stop with a recognisable output. */
			m->out[m->nout++ % NOUT] = 0xdeadbeefu;
			m->steps += steps;
			return;
		}
	}
}

/* ---- native versions of the same computations ----------------------------- */

static uint32_t native_mem[MEMWORDS];

static void native(uint32_t fib_n, uint32_t plimit, uint32_t rfib_n, uint32_t slimit,
		   uint32_t out[NOUT])
{
	uint32_t a = 0, c = 1;
	for (uint32_t i = 0; i < fib_n; i++) {
		uint32_t t = a + c;
		a = c;
		c = t;
	}
	out[0] = a;
	uint32_t count = 0;
	for (uint32_t n = 2; n <= plimit; n++) {
		uint32_t d = 2;
		while (d * d <= n && n % d)
			d++;
		count += d * d > n;
	}
	out[1] = count;
	a = 0; c = 1;
	for (uint32_t i = 0; i < rfib_n; i++) {
		uint32_t t = a + c;
		a = c;
		c = t;
	}
	out[2] = a;
	/* sieve by a different method: trial division per number */
	count = 0;
	for (uint32_t n = 2; n <= slimit; n++) {
		uint32_t d = 2;
		while (d * d <= n && n % d)
			d++;
		native_mem[n] = d * d > n;
		count += native_mem[n];
	}
	out[3] = count;
	uint32_t h = 0x811c9dc5u;
	for (uint32_t i = 0; i < slimit; i++) {
		h = ((h << 5) | (h >> 27)) ^ native_mem[i];
		h += i;
		h -= (h / 7u) & 0xffffu;
		h += h < i;
	}
	out[4] = h;
	uint32_t half = plimit / 2;
	out[5] = half;
	out[6] = half > 17 ? half - 17 : 0;
	out[7] = half > 0;
}

static int vm_matches(uint32_t fib_n, uint32_t plimit, uint32_t rfib_n, uint32_t slimit)
{
	uint32_t ref[NOUT];
	native(fib_n, plimit, rfib_n, slimit, ref);
	if (vm.nout != NOUT)
		return 0;
	for (int i = 0; i < NOUT; i++)
		if (vm.out[i] != ref[i])
			return 0;
	return 1;
}

static void start(uint32_t fib_n, uint32_t plimit, uint32_t rfib_n, uint32_t slimit)
{
	memset(vm.r, 0, sizeof vm.r);
	vm.r[1] = fib_n;
	vm.r[2] = plimit;
	vm.r[3] = rfib_n;
	vm.r[4] = slimit;
	vm.nout = 0;
	run(&vm, code);
}

int main(int argc, char **argv)
{
	static const bk_expect_t expect[] = {
		{ 1u, 0xcf68e932u },
		{ DEFAULT_ITERATIONS, 0x0e0ac7dau },
	};
	uint32_t iters = bk_iterations(argc, argv, DEFAULT_ITERATIONS);
	uint32_t seed = 0x74b0dc51u, sum = 0;

	assemble();
	start(47, 2000, 20, 5000);
	bk_check(vm.out[0] == 2971215073u && vm.out[1] == 303u && vm.out[2] == 6765u &&
		 vm.out[3] == 669u, "interp", "known fib/prime values");
	bk_check(vm_matches(47, 2000, 20, 5000), "interp", "VM differs from native code");

	for (uint32_t it = 0; it < iters; it++) {
		uint32_t fib_n = 30u + bk_rand(&seed) % 64u;
		uint32_t plimit = 1500u + bk_rand(&seed) % 1000u;
		uint32_t rfib_n = 14u + bk_rand(&seed) % 6u;
		uint32_t slimit = 3000u + bk_rand(&seed) % (MEMWORDS - 3001u);
		start(fib_n, plimit, rfib_n, slimit);
		if ((it & 7) == 0)
			bk_check(vm_matches(fib_n, plimit, rfib_n, slimit), "interp",
				 "VM differs from native code");
		for (int i = 0; i < NOUT; i++)
			sum = bk_mix(sum, vm.out[i]);
	}
	sum = bk_mix(sum, vm.steps);
	return bk_finish("interp", sum, iters, expect, sizeof expect / sizeof expect[0]);
}
