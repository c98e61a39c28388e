import t, { type Test } from 'tap';
import { ElfError, HyemuError } from '../../lib/errors.js';
import { functionAt, parseElf, type ElfLimits } from '../../lib/loader/elf.js';
import { loadProgram, parseProgram } from '../../lib/loader/load.js';
import { AT } from '../../lib/loader/stack.js';
import { AddressSpace } from '../../lib/runtime/address-space.js';
import { PERM, STACK_SIZE, STACK_TOP } from '../../lib/runtime/layout.js';
import { ElfPatch } from '../helpers/elf-patch.js';
import { readFixture } from '../helpers/unit.js';

// hello.elf (readelf -l): 4 program headers at offset 52
//   [0] RISCV_ATTRIBUTES  off 0x3330                      filesz 0x49   memsz 0
//   [1] LOAD R E  off 0      vaddr 0x10000  filesz 0x329c memsz 0x329c
//   [2] LOAD RW   off 0x329c vaddr 0x1429c  filesz 0x54   memsz 0x7a4
//   [3] TLS       off 0x329c vaddr 0x1429c  filesz 0      memsz 4
// entry 0x10146 (_start); main at 0x100d2, size 0x74; 87 FUNC symbols.
const HELLO = readFixture('hello');
const LIMITS: ElfLimits = { minAddr: 0x10000, endAddr: 0x40000000, memoryLimit: 64 << 20 };
const patch = (): ElfPatch => new ElfPatch(HELLO);

t.test('parses hello.elf', async (t) => {
  const img = parseElf(HELLO, LIMITS);
  t.equal(img.entry, 0x10146, 'entry');
  t.equal(img.segments.length, 2, 'two PT_LOAD segments');
  const [text, data] = img.segments;
  t.match(text, { vaddr: 0x10000, memsz: 0x329c, offset: 0, filesz: 0x329c, readable: true, writable: false, executable: true }, 'text');
  t.match(data, { vaddr: 0x1429c, memsz: 0x7a4, offset: 0x329c, filesz: 0x54, readable: true, writable: true, executable: false }, 'data');
  t.same(Buffer.from(data!.data), Buffer.from(HELLO.subarray(0x329c, 0x329c + 0x54)), 'segment data is the file bytes');
  t.equal(text!.data.length, 0x329c, 'text data length');
  t.equal(img.phoff, 52, 'phoff');
  t.equal(img.phentsize, 32, 'phentsize');
  t.equal(img.phnum, 4, 'phnum');
  t.equal(img.phdrAddr, 0x10034, 'program headers visible through the text segment');
  t.same(Buffer.from(img.phdrBytes), Buffer.from(HELLO.subarray(52, 52 + 128)), 'phdrBytes');
  // Function symbols, sorted.
  t.equal(img.functions.length, 87, 'all FUNC symbols');
  t.ok(img.functions.every((f, i, a) => i === 0 || a[i - 1]!.addr <= f.addr), 'sorted by address');
  t.same(img.functions.find((f) => f.name === 'main'), { name: 'main', addr: 0x100d2, size: 0x74 }, 'main');
  t.same(img.functions.find((f) => f.name === '_start'), { name: '_start', addr: 0x10146, size: 0x12 }, '_start');
  t.equal(functionAt(img.functions, 0x100d2)?.name, 'main', 'functionAt start');
  t.equal(functionAt(img.functions, 0x100d2 + 0x73)?.name, 'main', 'functionAt last byte');
  t.equal(functionAt(img.functions, 0x10146)?.name, '_start', 'functionAt next function');
  t.equal(functionAt(img.functions, 0x1000), undefined, 'below every symbol');
  t.equal(functionAt([{ name: 'f', addr: 0x100, size: 4 }], 0x104), undefined, 'past the end of the last function');
});

t.test('parse variations that are accepted', async (t) => {
  // No section headers: no symbols, still runs.
  const noSyms = parseElf(patch().set('e_shoff', 0).set('e_shnum', 0).bytes, LIMITS);
  t.same(noSyms.functions, [], 'no section headers: no functions');
  const badSh = parseElf(patch().set('e_shoff', HELLO.length - 8).bytes, LIMITS);
  t.same(badSh.functions, [], 'section headers past EOF: no functions, no error');
  // A PT_PHDR gives the header address directly.
  const withPhdr = parseElf(patch().setPh(3, 'p_type', 6).setPh(3, 'p_vaddr', 0x10034).bytes, LIMITS);
  t.equal(withPhdr.phdrAddr, 0x10034, 'PT_PHDR vaddr');
  // A PT_LOAD of memsz 0 is skipped.
  const empty = parseElf(patch().setPh(2, 'p_filesz', 0).setPh(2, 'p_memsz', 0).setPh(2, 'p_vaddr', 0).bytes, LIMITS);
  t.equal(empty.segments.length, 1, 'empty PT_LOAD ignored, even at address 0');
  // Headers not inside any segment: phdrAddr is null (the loader copies them).
  const p = patch().setPh(1, 'p_offset', 0x1000).setPh(1, 'p_vaddr', 0x11000)
    .setPh(1, 'p_filesz', 0x229c).setPh(1, 'p_memsz', 0x229c).set('e_entry', 0x11000);
  t.equal(parseElf(p.bytes, LIMITS).phdrAddr, null, 'headers not mapped');
  // Linux OS ABI is accepted.
  t.equal(parseElf(patch().set('ei_osabi', 3).bytes, LIMITS).entry, 0x10146, 'ELFOSABI_LINUX');
});

/** Asserts that parsing throws an ElfError whose message matches. */
function rejects(t: Test, bytes: Uint8Array, re: RegExp, what: string, limits: ElfLimits = LIMITS): void {
  try {
    parseElf(bytes, limits);
    t.fail(`${what}: accepted`);
  } catch (e) {
    t.ok(e instanceof ElfError, `${what}: ElfError (got ${(e as Error).name})`);
    t.equal((e as HyemuError).code, 'ELF_INVALID', `${what}: code`);
    t.match((e as Error).message, re, `${what}: message`);
  }
}

t.test('rejections of the ELF header', async (t) => {
  rejects(t, new Uint8Array(0), /the file is empty/, 'empty file');
  rejects(t, HELLO.subarray(0, 3), /not an ELF file \(bad magic number\)/, '3 bytes');
  rejects(t, new TextEncoder().encode('#!/bin/sh\necho hi\n'), /bad magic/, 'a shell script');
  const badMagic = new Uint8Array(HELLO); badMagic[1] = 0x45 + 1;
  rejects(t, badMagic, /bad magic/, 'bad magic');
  rejects(t, HELLO.subarray(0, 40), /truncated ELF header \(40 bytes, need 52\)/, 'truncated header');
  rejects(t, patch().set('ei_class', 2).bytes, /64-bit ELF file/, 'ELFCLASS64');
  rejects(t, patch().set('ei_class', 0).bytes, /invalid ELF class 0/, 'ELFCLASSNONE');
  rejects(t, patch().set('ei_data', 2).bytes, /big-endian/, 'big-endian');
  rejects(t, patch().set('ei_data', 7).bytes, /invalid ELF data encoding 7/, 'bad data encoding');
  rejects(t, patch().set('ei_version', 2).bytes, /unsupported ELF version 2/, 'EI_VERSION');
  rejects(t, patch().set('e_version', 0).bytes, /unsupported ELF version in e_version/, 'e_version');
  rejects(t, patch().set('ei_osabi', 9).bytes, /unsupported OS ABI 9/, 'FreeBSD OS ABI');
  rejects(t, patch().set('e_machine', 62).bytes, /wrong machine 62 \(want RISC-V, 243\)/, 'x86-64 e_machine');
  rejects(t, patch().set('e_type', 3).bytes, /dynamically linked or position-independent/, 'ET_DYN');
  rejects(t, patch().set('e_type', 1).bytes, /relocatable object file/, 'ET_REL');
  rejects(t, patch().set('e_type', 4).bytes, /core dump/, 'ET_CORE');
  rejects(t, patch().set('e_type', 0).bytes, /unsupported ELF type 0 \(want ET_EXEC\)/, 'ET_NONE');
});

t.test('rejections of the program headers', async (t) => {
  rejects(t, patch().set('e_phnum', 0).bytes, /no program headers/, 'phnum 0');
  rejects(t, patch().set('e_phoff', 0).bytes, /no program headers/, 'phoff 0');
  rejects(t, patch().set('e_phentsize', 56).bytes, /program header size 56, want 32/, 'ELF64 phentsize');
  rejects(t, patch().set('e_phoff', HELLO.length - 64).bytes,
    new RegExp(`program headers \\(offset ${HELLO.length - 64}, 4 entries\\) extend past the end of the file \\(${HELLO.length} bytes\\)`),
    'program headers past EOF');
  rejects(t, patch().set('e_phnum', 0xffff).bytes, /extend past the end of the file/, 'phnum 65535');
  rejects(t, patch().setPh(1, 'p_offset', HELLO.length - 16).bytes,
    /segment 1 at 0x10000: file data \(offset \d+, 12956 bytes\) extends past the end of the file/, 'PT_LOAD past EOF');
  rejects(t, patch().setPh(2, 'p_filesz', 0xffffffff).bytes, /segment 2 at 0x1429c: file data .* extends past the end/, 'huge filesz');
  rejects(t, patch().setPh(2, 'p_memsz', 0x10).bytes, /segment 2 at 0x1429c: file size 84 exceeds memory size 16/, 'filesz > memsz');
  rejects(t, patch().setPh(2, 'p_vaddr', 0xffffff00).bytes, /segment 2 at 0xffffff00: wraps around the end of the address space/, 'wrapping segment');
  rejects(t, patch().setPh(2, 'p_memsz', 0xffffffff).bytes, /segment 2 at 0x1429c: wraps around/, 'memsz 2^32-1');
  rejects(t, patch().setPh(1, 'p_vaddr', 0x8000).bytes, /segment 1 at 0x8000: below the lowest mappable address 0x10000/, 'segment below 0x10000');
  rejects(t, patch().setPh(1, 'p_vaddr', 0).bytes, /segment 1 at 0x0: below the lowest mappable address/, 'segment at 0');
  rejects(t, patch().setPh(2, 'p_vaddr', 0x3fffff00).bytes,
    /segment 2 at 0x3fffff00: ends at 0x400006a4, beyond the guest address space \(0x40000000\)/, 'segment beyond the guest space');
  rejects(t, patch().setPh(2, 'p_vaddr', 0x13000).bytes, /segment 2 at 0x13000 overlaps the segment at 0x10000/, 'overlapping segments');
  rejects(t, patch().setPh(2, 'p_vaddr', 0xf000).setPh(2, 'p_memsz', 0x100000).bytes, /segment 2 at 0xf000: below/, 'below wins over overlap');
  rejects(t, patch().setPh(2, 'p_vaddr', 0x10000).bytes, /segment 2 at 0x10000 overlaps the segment at 0x10000/, 'same start');
  rejects(t, HELLO, /segments need 12956 bytes, more than the memory limit of 4096 bytes/, 'memory limit exceeded',
    { ...LIMITS, memoryLimit: 4096 });
  rejects(t, HELLO, /segments need 14912 bytes, more than the memory limit of 14911 bytes/, 'memory limit, by one byte',
    { ...LIMITS, memoryLimit: 0x329c + 0x7a4 - 1 });
  rejects(t, patch().setPh(0, 'p_type', 3).bytes, /needs a dynamic loader \(PT_INTERP\)/, 'PT_INTERP present');
  rejects(t, patch().setPh(3, 'p_type', 2).bytes, /dynamically linked \(PT_DYNAMIC\)/, 'PT_DYNAMIC present');
  rejects(t, patch().setPh(1, 'p_type', 4).setPh(2, 'p_type', 4).bytes, /no loadable segments/, 'no PT_LOAD');
  rejects(t, patch().set('e_entry', 0x142a0).bytes, /entry point 0x142a0 is outside every executable segment/, 'entry in the data segment');
  rejects(t, patch().set('e_entry', 0x50000).bytes, /entry point 0x50000 is outside every executable segment/, 'entry unmapped');
  rejects(t, patch().set('e_entry', 0x1329c).bytes, /entry point 0x1329c is outside/, 'entry one past the text segment');
  rejects(t, patch().setPh(1, 'p_flags', 4).set('e_entry', 0x10146).bytes, /outside every executable segment/, 'text segment not executable');
  rejects(t, patch().set('e_entry', 0x10147).bytes, /entry point 0x10147 is not 2-byte aligned/, 'odd entry');
});

t.test('parseProgram uses the guest layout limits', async (t) => {
  t.equal(parseProgram(HELLO, 64 << 20).entry, 0x10146, 'hello parses');
  t.throws(() => parseProgram(patch().setPh(2, 'p_vaddr', STACK_TOP - STACK_SIZE - 0x100).bytes, 64 << 20),
    { name: 'ElfError', message: /beyond the guest address space \(0x40000000\)/ }, 'the stack area is not for segments');
  t.throws(() => parseProgram(HELLO, 0x1000), { name: 'ElfError', message: /memory limit of 4096 bytes/ }, 'memory limit');
});

t.test('loadProgram maps segments, the stack and builds the initial stack', async (t) => {
  const space = new AddressSpace(64 << 20);
  const img = parseProgram(HELLO, 64 << 20);
  const loaded = loadProgram(space, img, {
    argv: ['hello', 'arg one'], env: ['A=1'], execfn: '/bin/hello', random: new Uint8Array(16).fill(7),
  });
  t.equal(loaded.entry, 0x10146, 'entry');
  t.equal(loaded.brk, 0x15000, 'brk is the page-aligned end of the data segment');
  t.equal(loaded.stackBottom, STACK_TOP - STACK_SIZE, 'stack bottom');
  const pt = space.pageTable;
  t.equal(pt[0x10]! & (PERM.READ | PERM.WRITE | PERM.EXEC), PERM.READ | PERM.EXEC, 'text page r-x');
  t.equal(pt[0x13]! & 7, PERM.READ | PERM.EXEC, 'last text page r-x');
  t.equal(pt[0x14]! & 7, PERM.READ | PERM.WRITE, 'data page rw-');
  t.equal(pt[0x15]! & PERM.MAPPED, 0, 'nothing past the data');
  t.equal(pt[0xf]! & PERM.MAPPED, 0, 'nothing below the text');
  t.equal(space.mapped, 5 * 4096 + STACK_SIZE, 'mapped bytes: 5 pages and the stack');
  t.same(Buffer.from(space.readView(0x10000, 0x329c)!), Buffer.from(HELLO.subarray(0, 0x329c)), 'text bytes');
  t.same(Buffer.from(space.readView(0x1429c, 0x54)!), Buffer.from(HELLO.subarray(0x329c, 0x329c + 0x54)), 'data bytes');
  t.ok(space.readView(0x1429c + 0x54, 0x7a4 - 0x54)!.every((b) => b === 0), 'bss is zero');
  // The initial stack: argc, argv, envp, auxv.
  const sp = loaded.sp;
  t.equal(sp % 16, 0, 'sp 16-byte aligned');
  t.ok(sp < STACK_TOP && sp >= loaded.stackBottom, 'sp inside the stack');
  t.equal(space.readU32(sp), 2, 'argc');
  t.equal(space.readCString(space.readU32(sp + 4)!), 'hello', 'argv[0]');
  t.equal(space.readCString(space.readU32(sp + 8)!), 'arg one', 'argv[1]');
  t.equal(space.readU32(sp + 12), 0, 'argv NULL');
  t.equal(space.readCString(space.readU32(sp + 16)!), 'A=1', 'envp[0]');
  t.equal(space.readU32(sp + 20), 0, 'envp NULL');
  const auxv = new Map<number, number>();
  for (let p = sp + 24; ; p += 8) {
    const key = space.readU32(p)!;
    if (key === AT.NULL) break;
    auxv.set(key, space.readU32(p + 4)!);
  }
  t.equal(auxv.get(AT.PHDR), 0x10034, 'AT_PHDR');
  t.equal(auxv.get(AT.PHNUM), 4, 'AT_PHNUM');
  t.equal(auxv.get(AT.PHENT), 32, 'AT_PHENT');
  t.equal(auxv.get(AT.ENTRY), 0x10146, 'AT_ENTRY');
  t.equal(auxv.get(AT.PAGESZ), 4096, 'AT_PAGESZ');
  t.equal(space.readCString(auxv.get(AT.EXECFN)!), '/bin/hello', 'AT_EXECFN');
  t.same([...space.readView(auxv.get(AT.RANDOM)!, 16)!], new Array(16).fill(7), 'AT_RANDOM bytes');
});

t.test('loadProgram refuses a program over the memory limit', async (t) => {
  const space = new AddressSpace(STACK_SIZE + 4 * 4096);
  const img = parseProgram(HELLO, 64 << 20);
  t.throws(() => loadProgram(space, img, { argv: ['x'], env: [], execfn: 'x' }),
    { name: 'HyemuError', code: 'MEMORY_LIMIT', message: /needs 8409088 bytes, more than the memory limit of 8404992 bytes/ });
  t.equal(space.mapped, 0, 'nothing was mapped');
});

t.test('loadProgram: a page shared by two segments gets the union of their permissions', async (t) => {
  // Move the data segment so it starts in the last text page (0x13000) and
  // ends in the next one.
  const bytes = patch().setPh(2, 'p_vaddr', 0x13f00).bytes;
  const img = parseProgram(bytes, 64 << 20);
  const space = new AddressSpace(64 << 20);
  const loaded = loadProgram(space, img, { argv: ['x'], env: [], execfn: 'x' });
  const rwx = PERM.READ | PERM.WRITE | PERM.EXEC;
  t.equal(space.pageTable[0x12]! & rwx, PERM.READ | PERM.EXEC, 'text-only page r-x');
  t.equal(space.pageTable[0x13]! & rwx, rwx, 'shared page rwx');
  t.equal(space.pageTable[0x14]! & rwx, PERM.READ | PERM.WRITE, 'data-only page rw-');
  t.equal(space.mapped, 5 * 4096 + STACK_SIZE, 'the shared page is mapped once');
  t.same(Buffer.from(space.readView(0x13f00, 0x54)!), Buffer.from(HELLO.subarray(0x329c, 0x329c + 0x54)), 'data bytes');
  t.same(Buffer.from(space.readView(0x13000, 0x29c)!), Buffer.from(HELLO.subarray(0x3000, 0x329c)), 'text bytes of the shared page');
  t.ok(space.readView(0x1329c, 0x13f00 - 0x1329c)!.every((b) => b === 0), 'gap between the segments is zero');
  t.equal(loaded.brk, 0x15000, 'brk');
});
