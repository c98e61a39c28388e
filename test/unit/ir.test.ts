import t, { type Test } from 'tap';
import { IRBuilder, constant, isConst } from '../../lib/ir/builder.js';
import { evalBinary } from '../../lib/ir/eval.js';
import { formatTerminator, formatValue, printBlock } from '../../lib/ir/printer.js';
import { IRVerifyError, assertValidBlock, verifyBlock } from '../../lib/ir/verifier.js';
import { BINARY_OPS, type IRBlock, type Op, type Temp, type Terminator, type Value } from '../../lib/ir/types.js';
import { DEFAULT_MAX_BLOCK_INSNS, translateBlock } from '../../lib/guest/riscv/translate.js';
import { codeAt, imageCodeSource, loadFixtureImage } from '../helpers/unit.js';

const temp = (id: number): Temp => ({ kind: 'temp', id, type: 'i32' });

// ---------------------------------------------------------------------------
// Builder: the local simplifications both tiers rely on.

t.test('builder: operations on constants fold with evalBinary and emit nothing', async (t) => {
  const pairs: [number, number][] = [[7, 3], [-1, 1], [-0x80000000, -1], [0x12345678, 0], [5, 33], [-8, 0]];
  for (const kind of BINARY_OPS) {
    for (const [a, b] of pairs) {
      const bld = new IRBuilder(0x1000);
      const r = bld.binary(kind, constant(a), constant(b));
      t.ok(isConst(r), `${kind}(${a}, ${b}) is a constant`);
      t.equal((r as { value: number }).value, evalBinary(kind, a, b), `${kind}(${a}, ${b}) value`);
      t.equal(bld.finish({ kind: 'goto', target: 0 }, 0).ops.length, 0, `${kind}: no op emitted`);
    }
  }
  const bld = new IRBuilder(0);
  t.same(bld.setcond('ltu', constant(-1), constant(1)), constant(0), 'setcond ltu folds (unsigned compare)');
  t.same(bld.setcond('lt', constant(-1), constant(1)), constant(1), 'setcond lt folds (signed compare)');
  const x = bld.getreg(5);
  const y = bld.getreg(6);
  t.equal(bld.select(constant(2), x, y), x, 'select on a non-zero constant picks ifTrue');
  t.equal(bld.select(constant(0), x, y), y, 'select on zero picks ifFalse');
  t.equal(bld.finish({ kind: 'goto', target: 0 }, 0).ops.length, 2, 'only the two getregs were emitted');
});

t.test('builder: identities with a zero right operand', async (t) => {
  const bld = new IRBuilder(0);
  const a = bld.getreg(1);
  for (const kind of ['add', 'sub', 'or', 'xor', 'shl', 'shr', 'sar'] as const) {
    t.equal(bld.binary(kind, a, constant(0)), a, `${kind} a, 0 is a`);
  }
  t.equal(bld.finish({ kind: 'goto', target: 0 }, 0).ops.length, 1, 'nothing but the getreg');
  // Not identities: and/mul by 0, and 0 on the left.
  const b2 = new IRBuilder(0);
  const a2 = b2.getreg(1);
  t.not(b2.binary('and', a2, constant(0)), a2, 'and a, 0 is emitted');
  t.not(b2.binary('sub', constant(0), a2), a2, 'sub 0, a is emitted');
  t.equal(b2.finish({ kind: 'goto', target: 0 }, 0).ops.filter((o) => o.op === 'binary').length, 2);
});

t.test('builder: x0, register forwarding, constants', async (t) => {
  const bld = new IRBuilder(0x2000);
  bld.beginInsn(0x2000, 4);
  t.same(bld.getreg(0), constant(0), 'x0 reads as constant 0');
  bld.setreg(0, constant(42));
  t.same(bld.getreg(0), constant(0), 'x0 still reads 0 after a write');
  const r5 = bld.getreg(5);
  t.equal(bld.getreg(5), r5, 'second read of x5 reuses the temp');
  const sum = bld.binary('add', r5, r5);
  bld.setreg(6, sum);
  t.equal(bld.getreg(6), sum, 'read after write is forwarded');
  bld.setreg(5, constant(9));
  t.same(bld.getreg(5), constant(9), 'a constant write is forwarded too');
  const block = bld.finish({ kind: 'goto', target: 0x2004 }, 4);
  t.same(block.ops.map((o) => o.op), ['insn', 'getreg', 'binary', 'setreg', 'setreg'], 'ops emitted');
  t.notOk(block.ops.some((o) => o.op === 'setreg' && o.reg === 0), 'setreg x0 dropped');
  t.equal(block.tempCount, 2, 'temps');
  t.equal(block.insnCount, 1, 'insns');
  t.same(constant(0xffffffff), constant(-1), 'constants normalise to int32');
  t.equal(constant(0x80000000).value, -0x80000000, 'constant 2^31 is INT_MIN');
});

t.test('builder: cancelInsn withdraws only an empty instruction', async (t) => {
  const bld = new IRBuilder(0);
  bld.beginInsn(0, 4);
  bld.cancelInsn();
  t.equal(bld.instructions, 0, 'cancelled');
  bld.beginInsn(0, 4);
  bld.getreg(3);
  t.throws(() => bld.cancelInsn(), /already emitted ops/, 'refuses after an op');
});

// ---------------------------------------------------------------------------
// Printer.

t.test('printer: a translated block, exactly', async (t) => {
  // addi a0,a0,-1; lw a5,8(sp); c.lw a3,0(s1); c.bnez a0,+8
  const code = codeAt(0x10000, [0xfff50513, 0x00812783, 0x4094, 0xe501]);
  const block = translateBlock(code, 0x10000, { maxInsns: 64 });
  t.equal(printBlock(block), [
    'block 0x00010000 size 12 insns 4 temps 7',
    '  -- insn 0 @ 0x00010000 (4 bytes)',
    '    t0 = getreg x10',
    '    t1 = add t0, #-1',
    '    setreg x10, t1',
    '  -- insn 1 @ 0x00010004 (4 bytes)',
    '    t2 = getreg x2',
    '    t3 = add t2, #8',
    '    t4 = load.s32 [t3]',
    '    setreg x15, t4',
    '  -- insn 2 @ 0x00010008 (2 bytes)',
    '    t5 = getreg x9',
    '    t6 = load.s32 [t5]',
    '    setreg x13, t6',
    '  -- insn 3 @ 0x0001000a (2 bytes)',
    '    branch.ne t1, #0 ? 0x00010012 : 0x0001000c',
  ].join('\n'));
});

t.test('printer: lui, a counter read, setcond, a byte store, ecall', async (t) => {
  // lui a3,0x12345; rdcycle a1; sltiu a2,a1,1; sb a0,3(s1); ecall
  const code = codeAt(0x20000, [0x123456b7, 0xc00025f3, 0x0015b613, 0x00a481a3, 0x00000073]);
  t.equal(printBlock(translateBlock(code, 0x20000, { maxInsns: 64 })), [
    'block 0x00020000 size 20 insns 5 temps 5',
    '  -- insn 0 @ 0x00020000 (4 bytes)',
    '    setreg x13, #0x12345000',
    '  -- insn 1 @ 0x00020004 (4 bytes)',
    '    t0 = call read_counter(#3072, #1)',
    '    setreg x11, t0',
    '  -- insn 2 @ 0x00020008 (4 bytes)',
    '    t1 = setcond.ltu t0, #1',
    '    setreg x12, t1',
    '  -- insn 3 @ 0x0002000c (4 bytes)',
    '    t2 = getreg x9',
    '    t3 = add t2, #3',
    '    t4 = getreg x10',
    '    store.8 [t3], t4',
    '  -- insn 4 @ 0x00020010 (4 bytes)',
    '    syscall @ 0x00020010 then 0x00020014',
  ].join('\n'));
});

t.test('printer: other ops, values and terminators', async (t) => {
  const bld = new IRBuilder(0x400);
  bld.beginInsn(0x400, 4);
  const r = bld.getstate('reservation');
  const a = bld.getreg(7);
  const l = bld.load(a, 2, false, 0x400);
  const la = bld.load(a, 4, true, 0x400, true);
  const s = bld.select(r, l, la);
  bld.store(a, s, 4, 0x400, true);
  bld.store(a, s, 2, 0x400);
  bld.setstate('reservation', constant(1));
  const block = bld.finish({ kind: 'jump_indirect', target: s }, 4);
  t.equal(printBlock(block), [
    'block 0x00000400 size 4 insns 1 temps 5',
    '  -- insn 0 @ 0x00000400 (4 bytes)',
    '    t0 = getstate reservation',
    '    t1 = getreg x7',
    '    t2 = load.u16 [t1]',
    '    t3 = load.s32.aligned [t1]',
    '    t4 = select t0, t2, t3',
    '    store.32.aligned [t1], t4',
    '    store.16 [t1], t4',
    '    setstate reservation, #1',
    '    jump_indirect t4',
  ].join('\n'));
  t.equal(formatValue(constant(4095)), '#4095', 'small positive in decimal');
  t.equal(formatValue(constant(-4095)), '#-4095', 'small negative in decimal');
  t.equal(formatValue(constant(4096)), '#0x1000', 'large in hex');
  t.equal(formatValue(constant(-5000)), '#0xffffec78', 'large negative as unsigned hex');
  t.equal(formatTerminator({ kind: 'goto', target: 0x10 }), 'goto 0x00000010');
  t.equal(formatTerminator({ kind: 'fence_i', pc: 0x10, next: 0x14 }), 'fence_i @ 0x00000010 then 0x00000014');
  t.equal(formatTerminator({ kind: 'trap', signal: 'SIGSEGV', pc: 0x10, addr: 0xfffffffe }),
    'trap SIGSEGV @ 0x00000010 addr 0xfffffffe');
});

// ---------------------------------------------------------------------------
// Verifier: accepts what the front end builds from real code.

const FIXTURES = ['hello', 'libc', 'compressed', 'alu', 'atomic', 'branch', 'csr', 'loadstore', 'muldiv', 'smc_asm', 'illegal', 'illegal32'];

t.test('verifier accepts every block translated from the fixtures', async (t) => {
  for (const name of FIXTURES) {
    const image = loadFixtureImage(name);
    const code = imageCodeSource(image);
    let blocks = 0;
    let problems: string[] = [];
    const kinds = new Set<string>();
    for (const seg of image.segments.filter((s) => s.executable)) {
      // A linear sweep: every block start the previous block ends at. Also
      // blocks of one instruction (goto terminators) from every 64th address.
      for (let pc = seg.vaddr; pc < seg.vaddr + seg.filesz;) {
        const block = translateBlock(code, pc, { maxInsns: DEFAULT_MAX_BLOCK_INSNS });
        const p = verifyBlock(block);
        if (p.length && problems.length === 0) problems = [`0x${pc.toString(16)}`, ...p];
        kinds.add(block.term.kind);
        blocks++;
        if ((pc & 63) === 0) {
          const small = translateBlock(code, pc, { maxInsns: 1 });
          if (verifyBlock(small).length && problems.length === 0) problems = [`0x${pc.toString(16)} (1 insn)`, ...verifyBlock(small)];
        }
        pc += Math.max(block.size, 2);
      }
    }
    t.same(problems, [], `${name}: ${blocks} blocks verify`);
    t.ok(blocks > 10, `${name}: swept ${blocks} blocks`);
    t.ok(kinds.has('branch') || kinds.has('goto'), `${name}: control flow seen (${[...kinds].join(', ')})`);
  }
});

t.test('translated blocks of the entry point and every function of libc.elf verify', async (t) => {
  const image = loadFixtureImage('libc');
  const code = imageCodeSource(image);
  t.ok(image.functions.length > 20, 'libc.elf has function symbols');
  for (const f of [{ name: '_start', addr: image.entry }, ...image.functions]) {
    const problems = verifyBlock(translateBlock(code, f.addr, { maxInsns: DEFAULT_MAX_BLOCK_INSNS }));
    if (problems.length) t.fail(`${f.name} @ 0x${f.addr.toString(16)}: ${problems.join('; ')}`);
  }
  t.pass(`${image.functions.length + 1} function entry blocks`);
});

// ---------------------------------------------------------------------------
// Verifier: rejects hand-made invalid blocks, naming the problem.

const GOTO: Terminator = { kind: 'goto', target: 0x1004 };
const insn = (index = 0, pc = 0x1000 + 4 * index): Op => ({ op: 'insn', pc, size: 4, index });
function block(ops: Op[], term: Terminator = GOTO, extra: Partial<IRBlock> = {}): IRBlock {
  return { pc: 0x1000, size: 4, insnCount: ops.filter((o) => o.op === 'insn').length, ops, term, tempCount: 4, ...extra };
}
/** Asserts the block is rejected with a problem matching `re`. */
function rejects(t: Test, b: IRBlock, re: RegExp, what: string): void {
  const problems = verifyBlock(b);
  t.ok(problems.some((p) => re.test(p)), `${what}: ${JSON.stringify(problems)}`);
  t.throws(() => assertValidBlock(b), IRVerifyError, `${what}: assertValidBlock throws IRVerifyError`);
}

t.test('verifier rejects invalid blocks', async (t) => {
  const g = (id: number, reg = 1): Op => ({ op: 'getreg', dst: temp(id), reg });
  const add = (dst: number, a: Value, b: Value): Op => ({ op: 'binary', kind: 'add', dst: temp(dst), a, b });

  // The control: a valid block.
  t.same(verifyBlock(block([insn(), g(0), add(1, temp(0), constant(1)), { op: 'setreg', reg: 2, src: temp(1) }])), [], 'valid block');

  rejects(t, block([insn(), add(1, temp(0), constant(1))]), /t0 used before it is defined/, 'use before def');
  rejects(t, block([insn(), add(1, temp(1), constant(1))]), /t1 used before it is defined/, 'use of its own result');
  rejects(t, block([insn(), g(0), g(0, 2)]), /t0 defined twice/, 'double def');
  rejects(t, block([insn(), { op: 'setreg', reg: 0, src: constant(1) }]), /register x0 cannot be written/, 'setreg x0');
  rejects(t, block([insn(), { op: 'setreg', reg: 32, src: constant(1) }]), /register x32 cannot be written/, 'setreg x32');
  rejects(t, block([insn(), g(0, 0)]), /register x0 cannot be read by getreg/, 'getreg x0');
  rejects(t, block([insn(), g(0, 32)]), /register x32 cannot be read/, 'getreg x32');
  rejects(t, block([insn(), g(0, -1)]), /register x-1 cannot be read/, 'getreg x-1');
  rejects(t, block([insn(), g(0), { op: 'load', dst: temp(1), addr: temp(0), size: 8 as 4, signed: true, aligned: false, pc: 0x1000 }]),
    /bad access size/, 'load of 8 bytes');
  rejects(t, block([insn(), g(0), { op: 'store', addr: temp(0), src: temp(0), size: 3 as 4, aligned: false, pc: 0x1000 }]),
    /bad access size/, 'store of 3 bytes');
  rejects(t, block([insn(), g(0), { op: 'load', dst: temp(1), addr: temp(0), size: 4, signed: false, aligned: false, pc: 0x1000 }]),
    /32-bit load is signed/, 'unsigned 32-bit load');
  rejects(t, block([insn(), { op: 'call', dst: temp(0), helper: 'read_counter', args: [constant(0xc00)], pc: 0x1000 }]),
    /read_counter takes 2 arguments/, 'helper arity (1 of 2)');
  rejects(t, block([insn(), { op: 'call', dst: temp(0), helper: 'read_counter', args: [constant(0), constant(0), constant(0)], pc: 0x1000 }]),
    /read_counter takes 2 arguments/, 'helper arity (3 of 2)');
  rejects(t, block([insn(), { op: 'call', dst: temp(0), helper: 'nope' as 'read_counter', args: [], pc: 0x1000 }]),
    /unknown helper/, 'unknown helper');
  rejects(t, block([insn()], GOTO, { insnCount: 2 }), /insnCount 2 but 1 instruction markers/, 'insnCount too high');
  rejects(t, block([insn(), insn(1)], GOTO, { insnCount: 1 }), /insnCount 1 but 2 instruction markers/, 'insnCount too low');
  rejects(t, block([insn()], { kind: 'goto', target: 0x1001 }), /target 4097 is not a 2-byte aligned address/, 'odd goto target');
  rejects(t, block([insn(), g(0)], { kind: 'branch', cond: 'eq', a: temp(0), b: constant(0), taken: 0x2003, fallthrough: 0x1004 }),
    /terminator branch: target 8195 is not a 2-byte aligned/, 'odd branch target');
  rejects(t, block([insn(), g(0)], { kind: 'branch', cond: 'eq', a: temp(0), b: constant(0), taken: 0x2000, fallthrough: -2 }),
    /target -2 is not/, 'negative fallthrough');
  rejects(t, block([insn()], { kind: 'goto', target: 0x100000000 }), /target 4294967296 is not/, 'target past 2^32');
  rejects(t, block([insn()], { kind: 'jump_indirect', target: temp(3) }), /terminator jump_indirect: t3 used before it is defined/, 'terminator use before def');
  rejects(t, block([insn()], { kind: 'syscall', pc: 0x1000, next: 0x1003 }), /target 4099/, 'odd syscall next');
  rejects(t, block([insn(), g(9)]), /t9 outside 0\.\.3/, 'temp id beyond tempCount');
  rejects(t, block([insn(), { op: 'setreg', reg: 1, src: { kind: 'const', value: 0xffffffff, type: 'i32' } }]),
    /constant 4294967295 is not a normalised i32/, 'unnormalised constant');
  rejects(t, block([insn(), { op: 'setreg', reg: 1, src: { kind: 'const', value: 1, type: 'i64' as 'i32' } }]),
    /operand of type i64, want i32/, 'wrong type');
  rejects(t, block([insn(1)]), /instruction index out of order/, 'marker index');
  rejects(t, block([insn(0, 0x1004), insn(1, 0x1000)]), /bad instruction address/, 'markers not ascending');
  rejects(t, block([insn(0, 0x1001)]), /bad instruction address/, 'odd instruction address');
  rejects(t, block([{ op: 'insn', pc: 0x1000, size: 3 as 4, index: 0 }]), /bad instruction size/, 'instruction size 3');
  rejects(t, block([insn(), { op: 'binary', kind: 'rotl' as 'add', dst: temp(0), a: constant(1), b: constant(2) }]),
    /unknown binary op/, 'unknown binary op');
  rejects(t, block([insn(), { op: 'setcond', cond: 'gt' as 'eq', dst: temp(0), a: constant(1), b: constant(2) }]),
    /unknown condition/, 'unknown condition');
  rejects(t, block([insn(), { op: 'getstate', dst: temp(0), slot: 'pc' as 'reservation' }]), /unknown state slot/, 'unknown state slot');
  rejects(t, block([insn(), { op: 'nop' } as unknown as Op]), /unknown op nop/, 'unknown op');
  rejects(t, block([insn()], { kind: 'halt' } as unknown as Terminator), /unknown terminator halt/, 'unknown terminator');

  // The thrown error lists every problem, prefixed by the block address.
  const err = t.throws(() => assertValidBlock(block([insn(), g(0, 0), { op: 'setreg', reg: 0, src: temp(5) }], GOTO, { pc: 0x1234 })));
  t.match(String((err as Error).message), /^invalid IR in block 0x00001234: .*x0 cannot be read by getreg; .*x0 cannot be written; .*t5 used before it is defined$/,
    'message names every problem');
  t.equal((err as IRVerifyError).problems.length, 3, 'three problems');
});
