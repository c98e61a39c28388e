import t from 'tap';
import { Emulator, run, Tier2Pool } from '../lib/index.js';
import { hyemu, noStack } from './helpers/cli.js';
import { guestElf, qemuPath, runCaseInQemu } from './helpers/guest.js';

// Guest faults end the guest as Linux (and qemu-user) would: SIGSEGV (139)
// for unmapped or forbidden accesses, including the guest addresses that
// would alias the emulator's own state (the CPU state, trace directory and
// page table lie below the guest base, 0x110000 bytes: as the guest sees it,
// they are at 0xffef0000, 0xffef1000 and 0xfff00000 modulo 2^32, and
// everything below 0x10000 is unmapped); SIGILL (132); SIGBUS (135) for
// misaligned atomics. Each prints one line with the signal, the pc, the
// function (when the ELF has symbols) and the fault address. The same
// faults with tier 2 forced, made on the 1000th iteration of a loop so that
// they happen inside a WebAssembly trace, give the same code and line.
//
// The guest is test/guest/programs/rfault.c (and isa/sigbus.S, which has no
// function symbols).

interface FaultCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly signal: 'SIGSEGV' | 'SIGILL' | 'SIGBUS';
  /** The function named in the line, or null when pc is outside any. */
  readonly fn: string | null;
  /** Expected fault address (hex digits), 'pc' for "same as pc", or
   *  'misaligned' for any address that is not 4-byte aligned. */
  readonly addr: string;
  /** Compare the exit code with qemu-riscv32. */
  readonly qemu?: boolean;
  /** Also run it hot in tier 2 (through the CLI; 'api': through the API
   *  too, checking that tier 2 did run the loop). */
  readonly hot?: boolean | 'api';
}

const SIGNO = { SIGSEGV: 11, SIGILL: 4, SIGBUS: 7 } as const;
const DESCRIPTION = { SIGSEGV: 'Segmentation fault', SIGILL: 'Illegal instruction', SIGBUS: 'Bus error' } as const;

const CASES: FaultCase[] = [
  { name: 'load from address 0', args: ['load', '0'], signal: 'SIGSEGV', fn: 'rf_load', addr: '00000000', hot: 'api' },
  { name: 'load from 0x1000 (the trace directory\'s offset)', args: ['load', '1000'], signal: 'SIGSEGV', fn: 'rf_load', addr: '00001000', hot: true },
  { name: 'load from 0x8000 (below the lowest mappable address)', args: ['load', '8000'], signal: 'SIGSEGV', fn: 'rf_load', addr: '00008000' },
  { name: 'store to 0x10000 (the read-only ELF header and text)', args: ['store', '10000'], signal: 'SIGSEGV', fn: 'rf_store', addr: '00010000', hot: true },
  { name: 'load from 0xffef0000 (aliases the CPU state)', args: ['load', 'ffef0000'], signal: 'SIGSEGV', fn: 'rf_load', addr: 'ffef0000', hot: true },
  { name: 'store to 0xffef0000 (aliases the CPU state)', args: ['store', 'ffef0000'], signal: 'SIGSEGV', fn: 'rf_store', addr: 'ffef0000', hot: true },
  { name: 'store to 0xffef1000 (aliases the trace directory)', args: ['store', 'ffef1000'], signal: 'SIGSEGV', fn: 'rf_store', addr: 'ffef1000', hot: true },
  { name: 'store to 0xfff00000 (aliases the page table)', args: ['store', 'fff00000'], signal: 'SIGSEGV', fn: 'rf_store', addr: 'fff00000', hot: 'api' },
  { name: 'load from 0xfffff000 (the top page)', args: ['load', 'fffff000'], signal: 'SIGSEGV', fn: 'rf_load', addr: 'fffff000', hot: true },
  { name: 'load straddling the end of the address space', args: ['load', 'fffffffe'], signal: 'SIGSEGV', fn: 'rf_load', addr: 'fffffffe', hot: true },
  { name: 'load from 0x30000000 (between the heap and the stack)', args: ['load', '30000000'], signal: 'SIGSEGV', fn: 'rf_load', addr: '30000000' },
  // qemu-riscv32 has memory of its own above its stack top: no comparison.
  { name: 'store to 0x40800000 (just above the stack)', args: ['store', '40800000'], signal: 'SIGSEGV', fn: 'rf_store', addr: '40800000', qemu: false },
  { name: 'store into read-only text (the storing function itself)', args: ['text'], signal: 'SIGSEGV', fn: 'rf_store', addr: 'pc', hot: 'api' },
  { name: 'jump to address 0', args: ['jump', '0'], signal: 'SIGSEGV', fn: null, addr: 'pc', hot: 'api' },
  { name: 'jump to 0x1000', args: ['jump', '1000'], signal: 'SIGSEGV', fn: null, addr: 'pc' },
  { name: 'jump to 0xfffff000', args: ['jump', 'fffff000'], signal: 'SIGSEGV', fn: null, addr: 'pc', hot: true },
  { name: 'an illegal instruction', args: ['ill'], signal: 'SIGILL', fn: 'rf_ill', addr: 'pc', hot: 'api' },
  { name: 'a misaligned amoadd.w', args: ['amo'], signal: 'SIGBUS', fn: 'rf_amo', addr: 'misaligned', hot: 'api' },
  { name: 'a misaligned lr.w', args: ['lr'], signal: 'SIGBUS', fn: 'rf_lr', addr: 'misaligned', hot: true },
];

/** The expected line, with pc captured. */
function lineRe(c: Pick<FaultCase, 'signal' | 'fn' | 'addr'>): RegExp {
  const fn = c.fn ? ` <${c.fn}\\+0x[0-9a-f]+>` : '';
  // The instruction is shown when pc is readable code.
  const insn = c.fn !== null || c.addr === 'misaligned' ? ' \\[[^\\]]+\\]' : '';
  const addr = c.addr === 'pc' ? '(\\1)' : c.addr === 'misaligned' ? '([0-9a-f]{7}[1235679abdef])' : c.addr;
  return new RegExp(`^hyemu: guest terminated by ${c.signal} \\(${DESCRIPTION[c.signal]}\\) at pc 0x([0-9a-f]{8})${fn}${insn}, fault address 0x${addr}$`);
}


const qemu = qemuPath();
const qemuStatus = (name: string, args: readonly string[]): number => runCaseInQemu({ elf: `bin/${name}.elf`, args }).exitCode;

/** The hyemu lines tier 1 printed, by case name, for the tier-2 comparison. */
const tier1Lines = new Map<string, string>();

t.test('faults in tier 1: exit 128+signo, one line, as under qemu-riscv32', async (t) => {
  for (const c of CASES) {
    await t.test(c.name, async (t) => {
      const r = hyemu(['run', '--no-tier2', guestElf('rfault'), ...c.args]);
      t.equal(r.status, 128 + SIGNO[c.signal], `exit ${128 + SIGNO[c.signal]}`);
      t.equal(r.stdout, `rfault ${c.args[0]}: 1 iterations\n`, 'the guest ran up to the fault');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      t.equal(lines.length, 1, 'one line on stderr');
      t.match(lines[0], lineRe(c), 'signal, pc, function, instruction, fault address');
      noStack(t, r.stderr);
      tier1Lines.set(c.name, lines[0] ?? '');
      if (qemu && c.qemu !== false) t.equal(qemuStatus('rfault', c.args), r.status, 'qemu-riscv32 exits the same way');
    });
  }
});

// Linux (and qemu-user) report the address of the illegal instruction as
// the fault address of a SIGILL (si_addr = pc).
t.test('SIGILL names the faulting instruction as the fault address', async (t) => {
  const r = await run(guestElf('rfault'), { args: ['ill'], tier2: false });
  t.equal(r.fault?.signal, 'SIGILL');
  t.equal(r.fault?.addr, r.fault?.pc, 'fault address = pc');
  t.match(r.message, /, fault address 0x([0-9a-f]{8})$/);
  t.equal(/at pc (0x[0-9a-f]{8})/.exec(r.message ?? '')?.[1], /fault address (0x[0-9a-f]{8})$/.exec(r.message ?? '')?.[1], 'and so in the message');
});

t.test('a misaligned atomic in a program without symbols (isa/sigbus.S)', async (t) => {
  for (const args of [[], ['lr']]) {
    const r = hyemu(['run', '--no-tier2', guestElf('sigbus'), ...args]);
    t.equal(r.status, 135, `${args.length ? 'lr.w' : 'amoadd.w'}: exit 135 (SIGBUS)`);
    t.equal(r.stdout, '00000b05\n');
    t.match(r.stderr, /^hyemu: guest terminated by SIGBUS \(Bus error\) at pc 0x[0-9a-f]{8} \[(amoadd\.w s3, s2, \(s1\)|lr\.w s3, \(s1\))\], fault address 0x0001116a\n$/,
      'one line; no function name without symbols');
    if (qemu) t.equal(qemuStatus('sigbus', args), 135, 'qemu-riscv32 also dies of SIGBUS');
  }
});

// Tier 2 forced: hot after 2 executions, the guest waits for each trace,
// so the loop runs in wasm long before its 1000th iteration.
const HOT = ['--hot-threshold', '2', '--wait-for-install'];
const ITERATIONS = '1000';

t.test('the same faults inside a hot tier-2 loop: same exit code and line', async (t) => {
  const pool = new Tier2Pool(1);
  t.teardown(() => pool.close());
  for (const c of CASES.filter((c) => c.hot)) {
    await t.test(c.name, async (t) => {
      const args = [...c.args, ITERATIONS];
      const r = hyemu(['run', ...HOT, guestElf('rfault'), ...args]);
      t.equal(r.status, 128 + SIGNO[c.signal], `exit ${128 + SIGNO[c.signal]}`);
      t.equal(r.stdout, `rfault ${c.args[0]}: 1000 iterations\n`, 'the guest ran up to the fault');
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('hyemu:'));
      t.equal(lines.length, 1, 'one hyemu line');
      t.equal(lines[0], tier1Lines.get(c.name), 'the same line as in tier 1');
      noStack(t, r.stderr);
      // (Once broken: every wait of --wait-for-install added an abort
      // listener, and Node warned about the leak on stderr.)
      t.equal(r.stderr, `${lines[0]}\n`, 'nothing else on stderr');
      if (c.hot !== 'api') return;
      // The same run through the API: the loop did run in tier 2.
      const api = await run(guestElf('rfault'), { args, tier2: { pool, hotThreshold: 2, waitForInstall: true } });
      t.equal(api.exitCode, r.status, 'API: same exit code');
      t.equal(api.message, lines[0], 'API: same message');
      const s = api.stats.tier2!;
      t.ok(s.installed > 0 && api.stats.instructions > 0 && s.share > 0.5,
        `the loop ran in tier 2 (${s.installed} traces, ${(s.share * 100).toFixed(0)}% of instructions)`);
    });
  }
});

t.test('a fault at an address aliasing the emulator state leaves that state alone', async (t) => {
  // x0 lives at memory offset 0, the page-table entry of guest page 0 at
  // 0x10000: stores to their aliases must fault before writing anything.
  for (const [addr, check] of [
    ['ffef0000', (emu: Emulator) => emu.space.state[0] === 0],
    ['fff00000', (emu: Emulator) => emu.space.pageTable[0] === 0],
  ] as const) {
    for (const tier2 of [false, { hotThreshold: 2, waitForInstall: true }] as const) {
      const emu = await Emulator.create(guestElf('rfault'), { args: ['store', addr, ITERATIONS], tier2 });
      const r = await emu.run();
      t.equal(r.fault?.addr, Number.parseInt(addr, 16), `store to 0x${addr} (${tier2 ? 'tier 2' : 'tier 1'}): SIGSEGV there`);
      t.ok(check(emu), 'the aliased state is untouched');
    }
  }
});

t.test('the host is healthy afterwards', async (t) => {
  const r = await run(guestElf('hello'), { args: ['x'] });
  t.equal(r.exitCode, 3, 'a normal program still runs, tier 2 on');
  t.match(r.stdout?.toString(), /^hello from rv32, argc=2\n/);
});
