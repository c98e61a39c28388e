import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ElfError, HyemuError, run } from '../lib/index.js';
import { hyemu, noStack } from './helpers/cli.js';
import { ElfPatch } from './helpers/elf-patch.js';
import { openFdCount, Rng } from './helpers/fuzz-common.js';
import { guestElf } from './helpers/guest.js';

// Bad ELF files, end to end: whatever the input file, hyemu answers with one
// line on stderr naming the problem and a non-zero exit code (126; 127 for
// a missing file), quickly and without a JavaScript stack; through the API
// the same input gives a typed error (ElfError, or HyemuError with code
// MEMORY_LIMIT when the program does not fit the memory limit). The field
// by field checks of the parser itself are in test/unit/elf.test.ts.
//
// hello.elf (readelf -l): 4 program headers at offset 52 (to 180)
//   [0] RISCV_ATTRIBUTES  off 0x3330
//   [1] LOAD R E  off 0      vaddr 0x10000  filesz 0x329c memsz 0x329c
//   [2] LOAD RW   off 0x329c vaddr 0x1429c  filesz 0x54   memsz 0x7a4
//   [3] TLS       off 0x329c vaddr 0x1429c  filesz 0      memsz 4
// entry 0x10146; the loaded bytes end at 0x32f0; section headers at 18476.
const HELLO = new Uint8Array(fs.readFileSync(guestElf('hello')));
const HELLO_STDOUT = 'hello from rv32, argc=1\nargv[0]=program\nmalloc works\n';
const LOADED_END = 0x32f0;
const patch = (): ElfPatch => new ElfPatch(HELLO);
const MIB = 1024 * 1024;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-badelf-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

interface BadElf {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The one line hyemu prints after "hyemu: " (and the API's message). */
  readonly message: RegExp;
  readonly memoryLimitMiB?: number;
  /** HyemuError code through the API (default ELF_INVALID, i.e. ElfError). */
  readonly code?: 'ELF_INVALID' | 'MEMORY_LIMIT';
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const randomBytes = (seed: number, n: number): Uint8Array => {
  const rng = new Rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0, 255);
  out[0] = 0x42; // not the ELF magic
  return out;
};

/** A small 64-bit ELF of the host, when there is one (Linux). */
function hostElf64(): Uint8Array | null {
  for (const p of ['/bin/true', '/usr/bin/true', '/bin/sh']) {
    try {
      const b = new Uint8Array(fs.readFileSync(p));
      if (b.length > 64 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46 && b[4] === 2) return b;
    } catch {
      // try the next one
    }
  }
  return null;
}

const CASES: BadElf[] = [
  // Empty, truncated, not ELF.
  { name: 'an empty file', bytes: new Uint8Array(0), message: /^the file is empty$/ },
  { name: 'one byte', bytes: HELLO.subarray(0, 1), message: /^not an ELF file \(bad magic number\)$/ },
  { name: 'truncated inside the magic number', bytes: HELLO.subarray(0, 3), message: /^not an ELF file \(bad magic number\)$/ },
  { name: 'truncated inside the ELF header', bytes: HELLO.subarray(0, 40), message: /^truncated ELF header \(40 bytes, need 52\)$/ },
  { name: 'truncated right after the ELF header', bytes: HELLO.subarray(0, 52), message: /^program headers \(offset 52, 4 entries\) extend past the end of the file \(52 bytes\)$/ },
  { name: 'truncated inside the program headers', bytes: HELLO.subarray(0, 100), message: /^program headers \(offset 52, 4 entries\) extend past the end of the file \(100 bytes\)$/ },
  { name: 'truncated inside the text segment', bytes: HELLO.subarray(0, 0x2000), message: /^segment 1 at 0x10000: file data \(offset 0, 12956 bytes\) extends past the end of the file \(8192 bytes\)$/ },
  { name: 'truncated inside the data segment', bytes: HELLO.subarray(0, 0x32a0), message: /^segment 2 at 0x1429c: file data \(offset 12956, 84 bytes\) extends past the end of the file \(12960 bytes\)$/ },
  { name: 'a shell script', bytes: text('#!/bin/sh\necho hello\n'), message: /^not an ELF file \(bad magic number\)$/ },
  { name: 'a Windows executable header', bytes: text('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00'), message: /^not an ELF file \(bad magic number\)$/ },
  { name: 'random bytes', bytes: randomBytes(7, 4096), message: /^not an ELF file \(bad magic number\)$/ },
  // Wrong class, endianness, version, OS ABI, machine or type.
  { name: 'a 64-bit ELF header', bytes: patch().set('ei_class', 2).bytes, message: /^64-bit ELF file: hyemu runs 32-bit RISC-V \(rv32\) programs$/ },
  { name: 'ELF class 0', bytes: patch().set('ei_class', 0).bytes, message: /^invalid ELF class 0$/ },
  { name: 'big-endian', bytes: patch().set('ei_data', 2).bytes, message: /^big-endian ELF file: RISC-V programs are little-endian$/ },
  { name: 'data encoding 0', bytes: patch().set('ei_data', 0).bytes, message: /^invalid ELF data encoding 0$/ },
  { name: 'ELF version 2', bytes: patch().set('ei_version', 2).bytes, message: /^unsupported ELF version 2$/ },
  { name: 'a FreeBSD OS ABI', bytes: patch().set('ei_osabi', 9).bytes, message: /^unsupported OS ABI 9 \(want System V or Linux\)$/ },
  { name: 'an x86-64 machine', bytes: patch().set('e_machine', 62).bytes, message: /^wrong machine 62 \(want RISC-V, 243\)$/ },
  { name: 'an ARM machine', bytes: patch().set('e_machine', 40).bytes, message: /^wrong machine 40 \(want RISC-V, 243\)$/ },
  { name: 'a shared object (ET_DYN)', bytes: patch().set('e_type', 3).bytes, message: /^dynamically linked or position-independent executable: hyemu runs static executables \(link with -static -no-pie\)$/ },
  { name: 'a relocatable object (ET_REL)', bytes: patch().set('e_type', 1).bytes, message: /^relocatable object file, not an executable$/ },
  { name: 'a core dump (ET_CORE)', bytes: patch().set('e_type', 4).bytes, message: /^core dump, not an executable$/ },
  { name: 'ELF type 0', bytes: patch().set('e_type', 0).bytes, message: /^unsupported ELF type 0 \(want ET_EXEC\)$/ },
  // Program headers and segments pointing past the end of the file.
  { name: 'no program headers', bytes: patch().set('e_phnum', 0).bytes, message: /^no program headers$/ },
  { name: '64-bit program header size', bytes: patch().set('e_phentsize', 56).bytes, message: /^program header size 56, want 32$/ },
  { name: 'program headers past the end of the file', bytes: patch().set('e_phoff', HELLO.length - 64).bytes, message: new RegExp(`^program headers \\(offset ${HELLO.length - 64}, 4 entries\\) extend past the end of the file \\(${HELLO.length} bytes\\)$`) },
  { name: 'program header offset 0xffffffff', bytes: patch().set('e_phoff', 0xffffffff).bytes, message: /^program headers \(offset 4294967295, 4 entries\) extend past the end of the file/ },
  { name: '65535 program headers', bytes: patch().set('e_phnum', 0xffff).bytes, message: /^program headers \(offset 52, 65535 entries\) extend past the end of the file/ },
  { name: 'segment data past the end of the file', bytes: patch().setPh(1, 'p_offset', HELLO.length - 16).bytes, message: /^segment 1 at 0x10000: file data \(offset \d+, 12956 bytes\) extends past the end of the file \(\d+ bytes\)$/ },
  { name: 'segment file size 0xffffffff', bytes: patch().setPh(2, 'p_filesz', 0xffffffff).bytes, message: /^segment 2 at 0x1429c: file data \(offset 12956, 4294967295 bytes\) extends past the end of the file/ },
  { name: 'segment offset and size that wrap around', bytes: patch().setPh(2, 'p_offset', 0xfffffff0).setPh(2, 'p_filesz', 0x20).setPh(2, 'p_memsz', 0x1000).bytes, message: /^segment 2 at 0x1429c: file data \(offset 4294967280, 32 bytes\) extends past the end of the file/ },
  { name: 'file size larger than memory size', bytes: patch().setPh(2, 'p_memsz', 0x10).bytes, message: /^segment 2 at 0x1429c: file size 84 exceeds memory size 16$/ },
  // Segments that overlap, wrap around or lie outside the guest space.
  { name: 'overlapping segments', bytes: patch().setPh(2, 'p_vaddr', 0x13000).bytes, message: /^segment 2 at 0x13000 overlaps the segment at 0x10000$/ },
  { name: 'two segments at the same address', bytes: patch().setPh(2, 'p_vaddr', 0x10000).bytes, message: /^segment 2 at 0x10000 overlaps the segment at 0x10000$/ },
  { name: 'a segment that wraps around the address space', bytes: patch().setPh(2, 'p_vaddr', 0xffffff00).bytes, message: /^segment 2 at 0xffffff00: wraps around the end of the address space$/ },
  { name: 'memory size 0xffffffff', bytes: patch().setPh(2, 'p_memsz', 0xffffffff).bytes, message: /^segment 2 at 0x1429c: wraps around the end of the address space$/ },
  { name: 'a segment at address 0', bytes: patch().setPh(1, 'p_vaddr', 0).bytes, message: /^segment 1 at 0x0: below the lowest mappable address 0x10000$/ },
  { name: 'a segment over the stack', bytes: patch().setPh(2, 'p_vaddr', 0x40700000).bytes, message: /^segment 2 at 0x40700000: ends at 0x407007a4, beyond the guest address space \(0x40000000\)$/ },
  // More memory than the limit.
  { name: 'a 100 MiB bss under a 64 MiB limit', bytes: patch().setPh(2, 'p_memsz', 100 * MIB).bytes, memoryLimitMiB: 64, message: /^segments need 104870556 bytes, more than the memory limit of 67108864 bytes$/ },
  { name: 'a 1022 MiB bss: fits the default 1 GiB limit, not with the stack', bytes: patch().setPh(2, 'p_memsz', 1022 * MIB).bytes, code: 'MEMORY_LIMIT', message: /^the program needs \d+ bytes, more than the memory limit of 1073741824 bytes$/ },
  { name: 'hello under a 4 MiB limit (the stack alone is 8 MiB)', bytes: HELLO, memoryLimitMiB: 4, code: 'MEMORY_LIMIT', message: /^the program needs \d+ bytes, more than the memory limit of 4194304 bytes$/ },
  // Not static, nothing to load, no usable entry point.
  { name: 'a PT_INTERP header', bytes: patch().setPh(0, 'p_type', 3).bytes, message: /^the program needs a dynamic loader \(PT_INTERP\): hyemu runs static executables$/ },
  { name: 'a PT_DYNAMIC header', bytes: patch().setPh(3, 'p_type', 2).bytes, message: /^the program is dynamically linked \(PT_DYNAMIC\): hyemu runs static executables$/ },
  { name: 'no loadable segment', bytes: patch().setPh(1, 'p_type', 4).setPh(2, 'p_type', 4).bytes, message: /^no loadable segments$/ },
  { name: 'the entry point in the data segment', bytes: patch().set('e_entry', 0x142a0).bytes, message: /^entry point 0x142a0 is outside every executable segment$/ },
  { name: 'the entry point at 0', bytes: patch().set('e_entry', 0).bytes, message: /^entry point 0x0 is outside every executable segment$/ },
  { name: 'the entry point in unmapped memory', bytes: patch().set('e_entry', 0x30000000).bytes, message: /^entry point 0x30000000 is outside every executable segment$/ },
  { name: 'the entry point at the top of the address space', bytes: patch().set('e_entry', 0xfffffffe).bytes, message: /^entry point 0xfffffffe is outside every executable segment$/ },
  { name: 'a text segment that is not executable', bytes: patch().setPh(1, 'p_flags', 4).bytes, message: /^entry point 0x10146 is outside every executable segment$/ },
  { name: 'an odd entry point', bytes: patch().set('e_entry', 0x10147).bytes, message: /^entry point 0x10147 is not 2-byte aligned$/ },
];

const elf64 = hostElf64();
if (elf64) CASES.push({ name: "the host's own 64-bit executable", bytes: elf64, message: /^64-bit ELF file: hyemu runs 32-bit RISC-V \(rv32\) programs$/ });


/** Runs the CLI on a file; checks one line, the exit code, speed, no stack. */
function checkCli(t: Test, file: string, args: string[], status: number, line: RegExp): void {
  const t0 = performance.now();
  const r = hyemu(['run', '--no-tier2', ...args, file]);
  const ms = performance.now() - t0;
  t.equal(r.status, status, `exit code ${status}`);
  t.equal(r.stdout, '', 'nothing on stdout');
  t.match(r.stderr, /^hyemu: [^\n]+\n$/, 'exactly one line on stderr');
  t.match(r.stderr.replace(/^hyemu: /, '').trimEnd(), line, 'the line names the problem');
  noStack(t, r.stderr);
  t.ok(ms < 5000, `fast (${ms.toFixed(0)} ms)`);
}

/** Through the API: a typed error whose message names the problem. */
async function checkApi(t: Test, bytes: Uint8Array, options: { memoryLimit?: number }, code: string, message: RegExp): Promise<void> {
  const err = await run(bytes, { tier2: false, maxInstructions: 1e6, ...options }).then(
    (r) => new Error(`ran instead: exit ${r.exitCode}`),
    (e: unknown) => e,
  );
  t.ok(err instanceof HyemuError, `a HyemuError (got ${(err as Error)?.name}: ${(err as Error)?.message})`);
  if (code === 'ELF_INVALID') t.ok(err instanceof ElfError, 'an ElfError');
  t.equal((err as HyemuError).code, code, `code ${code}`);
  t.equal((err as HyemuError).exitCode, 126, 'exitCode 126');
  t.match((err as Error).message, message, 'the message names the problem');
}

const fdsBefore = openFdCount();

t.test('each bad ELF: one line, exit 126, no stack (CLI); a typed error (API)', async (t) => {
  for (const [i, c] of CASES.entries()) {
    await t.test(c.name, async (t) => {
      const file = path.join(dir, `bad-${i}.elf`);
      fs.writeFileSync(file, c.bytes);
      const limit = c.memoryLimitMiB !== undefined ? ['--memory-limit', `${c.memoryLimitMiB}M`] : [];
      checkCli(t, file, limit, 126, c.message);
      await checkApi(t, c.bytes, c.memoryLimitMiB !== undefined ? { memoryLimit: c.memoryLimitMiB * MIB } : {}, c.code ?? 'ELF_INVALID', c.message);
    });
  }
});

t.test('a missing file: exit 127; a directory: exit 126', async (t) => {
  const missing = path.join(dir, 'no-such-program.elf');
  checkCli(t, missing, [], 127, new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file$`));
  await t.rejects(run(missing), { name: 'HyemuError', code: 'FILE_NOT_FOUND', exitCode: 127 }, 'API: FILE_NOT_FOUND');
  checkCli(t, dir, [], 126, /: is a directory$/);
  await t.rejects(run(dir), { code: 'ELF_INVALID', message: /is a directory$/ }, 'API: ELF_INVALID');
});

// "Truncated anywhere": every 97th byte, and each side of every boundary
// (header, program headers, segment data, section headers). A cut before
// the end of the loaded bytes must be refused; after it the program is
// still whole (only symbols may be lost) and must run normally.
const BOUNDARIES = [0, 1, 3, 4, 5, 16, 51, 52, 53, 83, 84, 179, 180, 181, 0x1000, 0x329b, 0x329c, 0x329d,
  LOADED_END - 1, LOADED_END, LOADED_END + 1, 0x3330, 0x337c, 18475, 18476, 18477, HELLO.length - 40, HELLO.length - 1];
const CUTS = [...new Set([...Array.from({ length: Math.ceil(HELLO.length / 97) }, (_, k) => k * 97), ...BOUNDARIES])]
  .filter((n) => n < HELLO.length).sort((a, b) => a - b);

t.test(`hello.elf truncated at ${CUTS.length} offsets (API)`, async (t) => {
  let refused = 0, ran = 0;
  const problems: string[] = [];
  for (const cut of CUTS) {
    const bytes = HELLO.slice(0, cut);
    try {
      const r = await run(bytes, { tier2: false, maxInstructions: 5e6, timeoutMs: 10_000 });
      ran++;
      if (cut < LOADED_END) problems.push(`cut at ${cut}: ran (exit ${r.exitCode}) although the loaded bytes are incomplete`);
      else if (r.exitCode !== 3 || r.stdout?.toString() !== HELLO_STDOUT) problems.push(`cut at ${cut}: exit ${r.exitCode}, stdout ${JSON.stringify(r.stdout?.toString())}`);
    } catch (e) {
      refused++;
      if (!(e instanceof ElfError)) problems.push(`cut at ${cut}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      else if (cut >= LOADED_END) problems.push(`cut at ${cut}: refused (${e.message}) although the program is whole`);
      else if (/\n/.test(e.message) || e.message.length > 200) problems.push(`cut at ${cut}: message is not one short line`);
    }
  }
  t.same(problems, [], 'every cut: a clean ElfError before the end of the loaded bytes, a normal run after it');
  t.ok(ran > 0, 'the cuts past the loaded bytes are covered too');
  t.equal(refused, CUTS.filter((c) => c < LOADED_END).length, `${refused} refused`);
  t.comment(`truncations: ${CUTS.length} cuts, ${refused} refused with an ElfError, ${ran} ran`);
});

t.test('truncations through the CLI: exit 126 with one line, or a normal run', async (t) => {
  for (const cut of [0, 3, 40, 52, 100, 180, 0x1000, 0x329c, LOADED_END - 1, LOADED_END, 18476, HELLO.length - 1]) {
    const file = path.join(dir, `cut-${cut}.elf`);
    fs.writeFileSync(file, HELLO.subarray(0, cut));
    if (cut < LOADED_END) {
      checkCli(t, file, [], 126, /^(the file is empty|not an ELF file|truncated ELF header|program headers|segment \d)/);
    } else {
      const r = hyemu(['run', '--no-tier2', file]);
      t.equal(r.status, 3, `cut at ${cut}: runs (exit 3)`);
      t.equal(r.stderr, '', `cut at ${cut}: nothing on stderr`);
    }
  }
});

t.test('the host is healthy afterwards', async (t) => {
  const r = await run(HELLO, { tier2: false });
  t.equal(r.exitCode, 3, 'a normal program still runs (API)');
  t.equal(r.stdout?.toString(), HELLO_STDOUT);
  const cli = hyemu(['run', '--no-tier2', guestElf('hello')]);
  t.equal(cli.status, 3, 'and through the CLI');
  const fds = openFdCount();
  if (fds !== null && fdsBefore !== null) t.ok(fds <= fdsBefore + 2, `no file descriptors leaked (${fdsBefore} -> ${fds})`);
});
