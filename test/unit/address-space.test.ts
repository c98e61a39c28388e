import t from 'tap';
import { AddressSpace, PROT, pageAlignDown, pageAlignUp, pageOf } from '../../lib/runtime/address-space.js';
import { createGuestAccess, type GuestAccess } from '../../lib/runtime/guest-access.js';
import { GuestFault } from '../../lib/runtime/signals.js';
import { GUEST_BASE, GUEST_MIN_ADDR, GUEST_SPACE_END, PAGE_SIZE, PERM } from '../../lib/runtime/layout.js';

const P = PAGE_SIZE;
const RW = PROT.READ | PROT.WRITE;
const RWX = RW | PROT.EXEC;
/** The R/W/X/CODE/MAPPED/DIRTY bits of a page, by address. */
const bitsAt = (s: AddressSpace, addr: number): number => s.pageTable[pageOf(addr)]!;

/** One shared address space per test (each reserves ~1 GiB of virtual memory). */
const space = (limit = 1 << 30): AddressSpace => new AddressSpace(limit);

t.test('page helpers', async (t) => {
  t.equal(pageOf(0x12345), 0x12, 'pageOf');
  t.equal(pageOf(0xffffffff), 0xfffff, 'pageOf top');
  t.equal(pageAlignUp(0x12001), 0x13000, 'align up');
  t.equal(pageAlignUp(0x12000), 0x12000, 'aligned stays');
  t.equal(pageAlignDown(0x12fff), 0x12000, 'align down');
});

t.test('map, unmap, protect: page-table bits and the mapped-bytes count', async (t) => {
  const s = space();
  t.equal(s.mapped, 0, 'empty');
  s.map(0x20000, 3 * P, PROT.READ | PROT.EXEC);
  t.equal(s.mapped, 3 * P, 'three pages mapped');
  for (let a = 0x20000; a < 0x23000; a += P) {
    t.equal(bitsAt(s, a), PERM.READ | PERM.EXEC | PERM.MAPPED | PERM.DIRTY, `page 0x${a.toString(16)} r-x mapped dirty`);
  }
  t.equal(bitsAt(s, 0x1f000), 0, 'page below untouched');
  t.equal(bitsAt(s, 0x23000), 0, 'page above untouched');

  // Mapping over a mapping replaces it without counting twice.
  s.map(0x21000, 2 * P, PROT.WRITE);
  t.equal(s.mapped, 3 * P, 're-map counts once');
  t.equal(bitsAt(s, 0x21000), PERM.WRITE | PERM.MAPPED | PERM.DIRTY, 'write-only after re-map');
  t.equal(bitsAt(s, 0x20000) & 7, PERM.READ | PERM.EXEC, 'first page keeps r-x');

  // PROT_NONE is still mapped.
  s.map(0x30000, P, 0);
  t.equal(bitsAt(s, 0x30000), PERM.MAPPED | PERM.DIRTY, 'PROT_NONE page: mapped, no access');
  t.equal(s.mapped, 4 * P, 'PROT_NONE pages count');

  // protect changes R/W/X only, and fails on a hole without changing anything.
  t.ok(s.protect(0x20000, 2 * P, RWX), 'protect over mapped pages');
  t.equal(bitsAt(s, 0x20000), PERM.READ | PERM.WRITE | PERM.EXEC | PERM.MAPPED | PERM.DIRTY, 'rwx');
  t.equal(bitsAt(s, 0x21000) & 7, 7, 'second page rwx');
  t.equal(bitsAt(s, 0x22000) & 7, PERM.WRITE, 'third page untouched');
  t.notOk(s.protect(0x22000, 2 * P, PROT.READ), 'protect over a hole fails');
  t.equal(bitsAt(s, 0x22000) & 7, PERM.WRITE, 'nothing changed by the failed protect');
  t.ok(s.protect(0x20000, 1, PROT.READ), 'a partial page length covers the page');
  t.equal(bitsAt(s, 0x20000) & 7, PERM.READ, 'now read-only');

  // unmap keeps only DIRTY and uncounts only mapped pages.
  s.unmap(0x21000, 5 * P);
  t.equal(s.mapped, 2 * P, 'unmap counts only mapped pages');
  t.equal(bitsAt(s, 0x21000), PERM.DIRTY, 'unmapped page keeps DIRTY only');
  t.equal(bitsAt(s, 0x20000) & PERM.MAPPED, PERM.MAPPED, 'page before the range stays');
  s.unmap(0x21000, P);
  t.equal(s.mapped, 2 * P, 'unmapping again changes nothing');
  s.unmap(0x20000, 1);
  t.equal(s.mapped, P, 'a partial page length unmaps the page');
  t.equal(bitsAt(s, 0x20000), PERM.DIRTY, 'unmapped');
});

t.test('canMap against the limit: bytes mapped, and bytes ever mapped', async (t) => {
  const s = space(4 * P);
  t.ok(s.canMap(0x40000, 4 * P), 'exactly the limit');
  t.notOk(s.canMap(0x40000, 5 * P), 'a page over');
  s.map(0x40000, 3 * P, RW);
  t.ok(s.canMap(0x50000, P), 'room for one more page');
  t.notOk(s.canMap(0x50000, 2 * P), 'not for two');
  t.equal(s.limit, 4 * P, 'limit');
  // Unmapped pages keep their host memory: mapping them again is free,
  // mapping fresh pages counts against what was ever mapped.
  s.unmap(0x40000, 3 * P);
  t.equal(s.mapped, 0, 'nothing mapped');
  t.equal(s.committed, 3 * P, 'three pages ever mapped');
  t.ok(s.canMap(0x40000, 4 * P), 'the used pages and one fresh one fit');
  t.notOk(s.canMap(0x50000, 2 * P), 'two fresh pages do not');
});

t.test('isFree and findFree (top-down)', async (t) => {
  const s = space();
  t.ok(s.isFree(0x10000, P), 'empty space is free');
  t.notOk(s.isFree(0xf000, P), 'below GUEST_MIN_ADDR is never free');
  t.notOk(s.isFree(GUEST_SPACE_END - P, 2 * P), 'past the end of the guest space is not free');
  t.ok(s.isFree(GUEST_SPACE_END - P, P), 'last page is free');
  s.map(0x50000, 2 * P, RW);
  t.notOk(s.isFree(0x4f000, 2 * P), 'overlaps the first mapped page');
  t.notOk(s.isFree(0x51fff, 1), 'last byte of the mapping');
  t.ok(s.isFree(0x52000, P), 'just after');
  t.ok(s.isFree(0x4f000, P), 'just before');
  s.map(0x60000, P, 0);
  t.notOk(s.isFree(0x60000, P), 'a PROT_NONE mapping is not free');
  s.unmap(0x60000, P);
  t.ok(s.isFree(0x60000, P), 'free again after unmap');

  // Top-down: the highest fitting range below `high`.
  t.equal(s.findFree(3 * P, 0x10000, 0x100000), 0x100000 - 3 * P, 'top of the window');
  s.map(0x100000 - 2 * P, 2 * P, RW);
  t.equal(s.findFree(3 * P, 0x10000, 0x100000), 0x100000 - 5 * P, 'below a mapping at the top');
  // A hole of exactly the right size is found; a smaller one is skipped.
  s.map(0x80000, P, RW);
  s.map(0x84000, 0x100000 - 2 * P - 0x84000, RW); // fill down to leave a 3-page hole at 0x81000
  t.equal(s.findFree(3 * P, 0x10000, 0x100000), 0x81000, 'exact hole');
  t.equal(s.findFree(4 * P, 0x10000, 0x100000), 0x80000 - 4 * P, 'too small a hole is skipped');
  t.equal(s.findFree(3 * P, 0x81000, 0x84000), 0x81000, 'window exactly the hole');
  t.equal(s.findFree(4 * P, 0x81000, 0x84000), null, 'no room in the window');
  t.equal(s.findFree(P, 0x80001, 0x82000), 0x81000, 'low bound rounds up');
  t.equal(s.findFree(P, 0x80001, 0x81000), null, 'nothing above a rounded-up low bound');
});

t.test('re-mapped pages read as zero', async (t) => {
  const s = space();
  s.map(0x70000, 2 * P, RW);
  s.poke(0x70ff0, new Uint8Array(32).fill(0xaa));
  t.equal(s.bytes[GUEST_BASE + 0x71000], 0xaa, 'poked across the page boundary');
  s.unmap(0x70000, 2 * P);
  s.map(0x70000, 2 * P, PROT.READ);
  t.ok(s.readView(0x70000, 2 * P)!.every((b) => b === 0), 'zero after unmap and map');
  s.poke(0x71000, new Uint8Array([1, 2, 3]));
  s.map(0x71000, P, RW); // map over a live mapping
  t.same([...s.readView(0x71000, 3)!], [0, 0, 0], 'zero after mapping over a live page');
  // A page that was never mapped need not be cleared, but reads zero anyway.
  s.map(0x90000, P, RW);
  t.ok(s.readView(0x90000, P)!.every((b) => b === 0), 'fresh page is zero');
});

t.test('checked access for system calls', async (t) => {
  const s = space();
  s.map(0x10000, P, RW);
  s.map(0x11000, P, PROT.READ);
  s.map(0x13000, P, PROT.WRITE);
  t.ok(s.check(0x10000, 2 * P, PERM.READ), 'both pages readable');
  t.notOk(s.check(0x10000, 2 * P, PERM.WRITE), 'second page not writable');
  t.notOk(s.check(0x11fff, 2, PERM.READ), 'straddles into an unmapped page');
  t.ok(s.check(0x12000, 0, PERM.READ), 'empty range is fine anywhere');
  t.notOk(s.check(0xfffffffe, 4, PERM.READ), 'a range wrapping past 2^32 fails');
  t.equal(s.readView(0x13000, 4), undefined, 'write-only page cannot be read');
  t.ok(s.writeView(0x13000, 4), 'but can be written');
  t.equal(s.writeView(0x11000, 4), undefined, 'read-only page cannot be written');
  t.ok(s.writeU32(0x10ffc, 0xdeadbeef), 'writeU32');
  t.equal(s.readU32(0x10ffc), 0xdeadbeef, 'readU32 unsigned');
  t.equal(s.readU32(0x10ffe), 0xdead, 'readU32 straddling rw into r');
  t.equal(s.readU32(0x11ffe), undefined, 'readU32 straddling into an unmapped page');
  t.equal(s.writeU32(0x10ffe, 1), false, 'writeU32 straddling into a read-only page');
  t.ok(s.writeU64(0x10ff0, -2n), 'writeU64 of a negative bigint');
  t.same([...s.readView(0x10ff0, 8)!], [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'two\'s complement, little-endian');
  t.ok(s.writeU64(0x10fe0, 0x1_0000_0002), 'writeU64 of a number above 2^32');
  t.equal(s.view.getBigUint64(GUEST_BASE + 0x10fe0, true), 0x1_0000_0002n, 'value');
  t.notOk(s.write(0x11000, new Uint8Array([1])), 'write to read-only fails');
  t.ok(s.write(0x10000, new Uint8Array([9, 8])), 'write');
  t.same([...s.readView(0x10000, 2)!], [9, 8], 'written');
});

t.test('readCString', async (t) => {
  const s = space();
  s.map(0x10000, 2 * P, RW);
  const enc = new TextEncoder();
  s.poke(0x10ffa, enc.encode('across\0'));
  t.equal(s.readCString(0x10ffa), 'across', 'across a page boundary');
  s.poke(0x10100, enc.encode('h\u00e9llo\0'));
  t.equal(s.readCString(0x10100), Buffer.from('h\u00e9llo').toString('latin1'), 'bytes, one character each (latin1), not decoded');
  s.poke(0x10200, new Uint8Array([0]));
  t.equal(s.readCString(0x10200), '', 'empty string');
  t.equal(s.readCString(0x20000), undefined, 'unmapped start');
  t.equal(s.readCString(0), undefined, 'NULL');
  s.poke(0x11ffc, enc.encode('tail'));
  t.equal(s.readCString(0x11ffc), undefined, 'runs into an unmapped page');
  s.poke(0x10300, enc.encode('0123456789\0'));
  t.equal(s.readCString(0x10300, 10), undefined, 'no NUL within max bytes');
  t.equal(s.readCString(0x10300, 11), '0123456789', 'NUL exactly at max');
  s.map(0x12000, P, 0);
  t.equal(s.readCString(0x11ffc), undefined, 'runs into a PROT_NONE page');
});

t.test('code invalidation: writeView, protect, unmap, map', async (t) => {
  const s = space();
  const calls: [number, number][] = [];
  s.onInvalidate = (first, end) => { calls.push([first, end]); };
  s.map(0x10000, 4 * P, RWX);
  s.markCode(0x11);
  s.markCode(0x12);
  t.equal(bitsAt(s, 0x11000) & PERM.CODE, PERM.CODE, 'CODE bit set');

  t.ok(s.writeView(0x10000, 16), 'write to a page without code');
  t.same(calls, [], 'no invalidation');
  t.ok(s.writeView(0x10ffe, 4), 'write straddling into a code page');
  t.same(calls, [[0x10, 0x12]], 'invalidates exactly the written pages');
  t.equal(bitsAt(s, 0x11000) & PERM.CODE, 0, 'CODE bit of 0x11 cleared');
  t.equal(bitsAt(s, 0x12000) & PERM.CODE, PERM.CODE, 'page 0x12 keeps its code');
  calls.length = 0;
  t.ok(s.writeView(0x12000, 0), 'empty write');
  t.same(calls, [], 'an empty write invalidates nothing');
  t.equal(s.writeView(0x14000, 4), undefined, 'unmapped write');
  t.same(calls, [], 'a failed write invalidates nothing');
  t.ok(s.write(0x12800, new Uint8Array(0x1000)), 'write() across 0x12..0x13');
  t.same(calls, [[0x12, 0x14]], 'write() invalidates too');

  calls.length = 0;
  s.markCode(0x13);
  t.ok(s.protect(0x10000, 4 * P, RW), 'protect');
  t.same(calls, [[0x10, 0x14]], 'protect invalidates the range');
  calls.length = 0;
  s.markCode(0x10);
  s.unmap(0x10000, P);
  t.same(calls, [[0x10, 0x11]], 'unmap invalidates');
  calls.length = 0;
  s.markCode(0x11);
  s.map(0x11000, P, RWX);
  t.same(calls, [[0x11, 0x12]], 'map over code invalidates');
  t.equal(bitsAt(s, 0x11000) & PERM.CODE, 0, 'and the fresh page holds no code');
  s.markCode(0x11);
  s.clearCode(0x11);
  t.equal(bitsAt(s, 0x11000) & PERM.CODE, 0, 'clearCode');
  calls.length = 0;
  s.invalidateCode(0x10, 0x20);
  t.same(calls, [], 'invalidateCode without code pages does not call back');
});

// ---------------------------------------------------------------------------
// Guest loads and stores of tier-1 code.

/** A space with 0x10000 rw, 0x11000 rw, 0x12000 r, 0x13000 w, 0x14000 none,
 *  0x15000 unmapped, 0x16000 rwx with code. */
function guest(): { s: AddressSpace; g: GuestAccess; writes: [number, number][] } {
  const s = space();
  s.map(0x10000, 2 * P, RW);
  s.map(0x12000, P, PROT.READ);
  s.map(0x13000, P, PROT.WRITE);
  s.map(0x14000, P, 0);
  s.map(0x16000, P, RWX);
  s.markCode(0x16);
  const writes: [number, number][] = [];
  s.onCodeWrite = (addr, len) => { writes.push([addr, len]); };
  return { s, g: createGuestAccess(s), writes };
}

/** Runs f and returns the GuestFault it throws (or fails). */
function fault(t: { fail: (m: string) => unknown }, f: () => unknown): GuestFault | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof GuestFault) return e;
    throw e;
  }
  t.fail('no fault');
  return undefined;
}

t.test('guest loads of every size and signedness', async (t) => {
  const { s, g } = guest();
  s.poke(0x10100, new Uint8Array([0x80, 0xff, 0x7f, 0x01, 0xfe, 0xff, 0xff, 0xff]));
  t.equal(g.ld8s(0x10100, 0), -128, 'ld8s 0x80');
  t.equal(g.ld8u(0x10100, 0), 128, 'ld8u 0x80');
  t.equal(g.ld8s(0x10102, 0), 127, 'ld8s 0x7f');
  t.equal(g.ld16s(0x10100, 0), -128, 'ld16s 0xff80');
  t.equal(g.ld16u(0x10100, 0), 0xff80, 'ld16u 0xff80');
  t.equal(g.ld16s(0x10102, 0), 0x017f, 'ld16s positive');
  t.equal(g.ld32(0x10100, 0), 0x017fff80, 'ld32');
  t.equal(g.ld32(0x10104, 0), -2, 'ld32 negative');
  t.equal(g.ld32a(0x10104, 0), -2, 'ld32a');
  // Misaligned within a page.
  t.equal(g.ld16u(0x10101, 0), 0x7fff, 'misaligned ld16u');
  t.equal(g.ld32(0x10101, 0), 0xfe017fff | 0, 'misaligned ld32');
  t.equal(g.ld32(0x10103, 0), 0xffffFE01 | 0, 'misaligned ld32 (3)');
  // Straddling two readable pages (0x10fff|0x11000), and rw|r (0x11fff|0x12000).
  s.poke(0x10ffc, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  t.equal(g.ld16u(0x10fff, 0), 0x0504, 'ld16 across pages');
  t.equal(g.ld16s(0x10fff, 0), 0x0504, 'ld16s across pages');
  t.equal(g.ld32(0x10ffd, 0), 0x05040302, 'ld32 across pages (offset 0xffd)');
  t.equal(g.ld32(0x10ffe, 0), 0x06050403, 'ld32 across pages (offset 0xffe)');
  t.equal(g.ld32(0x10fff, 0), 0x07060504, 'ld32 across pages (offset 0xfff)');
  t.equal(g.ld32(0x10ffc, 0), 0x04030201, 'ld32 at the end of a page');
  s.poke(0x11ffe, new Uint8Array([0xaa, 0xbb]));
  s.poke(0x12000, new Uint8Array([0xcc, 0xdd]));
  t.equal(g.ld32(0x11ffe, 0), 0xddccbbaa | 0, 'ld32 from rw into r');
});

t.test('guest stores of every size', async (t) => {
  const { s, g } = guest();
  const at = (a: number, n: number): number[] => [...s.readView(a, n)!];
  g.st8(0x10000, 0x1ff, 0);
  t.same(at(0x10000, 2), [0xff, 0], 'st8 truncates');
  g.st16(0x10010, -2, 0);
  t.same(at(0x10010, 3), [0xfe, 0xff, 0], 'st16 little-endian');
  g.st16(0x10020, 0x12345, 0);
  t.same(at(0x10020, 3), [0x45, 0x23, 0], 'st16 truncates');
  g.st32(0x10030, 0x80000001 | 0, 0);
  t.same(at(0x10030, 4), [1, 0, 0, 0x80], 'st32');
  g.st32a(0x10040, -1, 0);
  t.same(at(0x10040, 5), [0xff, 0xff, 0xff, 0xff, 0], 'st32a');
  g.st32(0x10051, 0x04030201, 0);
  t.same(at(0x10050, 6), [0, 1, 2, 3, 4, 0], 'misaligned st32');
  g.st16(0x10fff, 0x0201, 0);
  t.same(at(0x10fff, 2), [1, 2], 'st16 across pages');
  for (const off of [0xffd, 0xffe, 0xfff]) {
    g.st32(0x10000 + off, 0x0d0c0b0a, 0);
    t.same(at(0x10000 + off, 4), [0xa, 0xb, 0xc, 0xd], `st32 across pages at offset 0x${off.toString(16)}`);
  }
  g.st32(0x13000, 7, 0);
  t.equal(s.view.getInt32(GUEST_BASE + 0x13000, true), 7, 'store to a write-only page');
});

t.test('guest faults: SIGSEGV with pc and address, SIGBUS for misaligned atomics', async (t) => {
  const { s, g } = guest();
  const pc = 0x10abc;
  const loads = ['ld8s', 'ld8u', 'ld16s', 'ld16u', 'ld32', 'ld32a'] as const;
  const stores = ['st8', 'st16', 'st32', 'st32a'] as const;
  for (const [addr, what] of [[0x15000, 'unmapped'], [0x14000, 'PROT_NONE'], [0x13000, 'write-only'], [0x8, 'near NULL'],
    [-4, 'negative int32 address']] as const) {
    for (const fn of loads) {
      const f = fault(t, () => g[fn](addr, pc));
      t.match(f, { signal: 'SIGSEGV', pc, addr: addr >>> 0 }, `${fn} from ${what}`);
    }
  }
  for (const [addr, what] of [[0x15000, 'unmapped'], [0x14000, 'PROT_NONE'], [0x12000, 'read-only'], [-8, 'negative int32 address']] as const) {
    for (const fn of stores) {
      const f = fault(t, () => g[fn](addr, 0x55, pc));
      t.match(f, { signal: 'SIGSEGV', pc, addr: addr >>> 0 }, `${fn} to ${what}`);
    }
  }
  t.equal(s.readView(0x12000, 4)!.every((b) => b === 0), true, 'read-only page unchanged');

  // Straddling accesses fault when the second page is not accessible, and a
  // store then writes nothing.
  for (const fn of ['ld16s', 'ld16u'] as const) {
    t.match(fault(t, () => g[fn](0x12fff, pc)), { signal: 'SIGSEGV', pc }, `${fn} from r into w-only`);
  }
  for (const a of [0x12ffd, 0x12ffe, 0x12fff]) t.match(fault(t, () => g.ld32(a, pc)), { signal: 'SIGSEGV', pc }, `ld32 at 0x${a.toString(16)} into w-only`);
  t.match(fault(t, () => g.ld32(0x14ffe, pc)), { signal: 'SIGSEGV' }, 'ld32 from none into unmapped');
  s.poke(0x11ffe, new Uint8Array([0x11, 0x22]));
  t.match(fault(t, () => g.st32(0x11ffe, -1, pc)), { signal: 'SIGSEGV', pc }, 'st32 from rw into r');
  t.same([...s.readView(0x11ffe, 2)!], [0x11, 0x22], 'no partial store');
  t.match(fault(t, () => g.st16(0x11fff, -1, pc)), { signal: 'SIGSEGV', pc }, 'st16 from rw into r');
  t.equal(s.readView(0x11fff, 1)![0], 0x22, 'no partial st16');
  // The reported address lies within the access.
  const f = fault(t, () => g.ld32(0x12ffe, pc))!;
  t.ok(f.addr >= 0x12ffe && f.addr < 0x13002, `straddling fault address 0x${f.addr.toString(16)} within the access`);
  // The end of the guest space: the page past it is never mapped.
  s.map(GUEST_SPACE_END - P, P, RW);
  t.equal(g.ld32(GUEST_SPACE_END - 4, 0), 0, 'last word of the guest space');
  t.match(fault(t, () => g.ld32(GUEST_SPACE_END - 2, pc)), { signal: 'SIGSEGV' }, 'past the end of the guest space');
  t.match(fault(t, () => g.st32(GUEST_SPACE_END - 1, 0, pc)), { signal: 'SIGSEGV' }, 'store past the end');

  // Atomics: misaligned is SIGBUS, even on a mapped page; checked before permissions.
  for (const a of [0x10001, 0x10002, 0x10003, 0x10ffe]) {
    t.match(fault(t, () => g.ld32a(a, pc)), { signal: 'SIGBUS', pc, addr: a }, `ld32a at 0x${a.toString(16)}`);
    t.match(fault(t, () => g.st32a(a, 1, pc)), { signal: 'SIGBUS', pc, addr: a }, `st32a at 0x${a.toString(16)}`);
  }
  t.match(fault(t, () => g.ld32a(0x15001, pc)), { signal: 'SIGBUS' }, 'misaligned and unmapped: SIGBUS');
  t.match(fault(t, () => g.ld32a(-3, pc)), { signal: 'SIGBUS', addr: 0xfffffffd }, 'negative address reported unsigned');
  t.ok(GUEST_MIN_ADDR > 0x8, 'the NULL page is below the lowest mappable address');
});

t.test('stores to code pages call onCodeWrite first', async (t) => {
  const { s, g, writes } = guest();
  const order: string[] = [];
  s.onCodeWrite = (addr, len) => {
    writes.push([addr, len]);
    // The handler runs before the store: the old bytes are still there.
    order.push(`${addr.toString(16)}:${s.bytes[GUEST_BASE + addr]}`);
  };
  s.poke(0x16010, new Uint8Array([0x5a]));
  g.st8(0x16010, 1, 0);
  g.st16(0x16020, 2, 0);
  g.st32(0x16030, 3, 0);
  g.st32a(0x16040, 4, 0);
  t.same(writes.slice(0, 4), [[0x16010, 1], [0x16020, 2], [0x16030, 4], [0x16040, 4]], 'address and size of each store');
  t.equal(order[0], '16010:90', 'called before the byte changes');
  t.equal(s.view.getUint8(GUEST_BASE + 0x16010), 1, 'then stored');
  t.equal(s.view.getInt32(GUEST_BASE + 0x16040, true), 4, 'st32a stored');
  writes.length = 0;
  // A store into the code page from the page before it.
  s.map(0x15000, P, RW);
  g.st32(0x15ffe, 0x01020304, 0x1234);
  t.same(writes, [[0x15ffe, 4]], 'straddling store whose second page holds code');
  t.equal(s.view.getInt32(GUEST_BASE + 0x15ffe, true), 0x01020304, 'stored');
  writes.length = 0;
  g.st32(0x15000, 1, 0);
  g.st8(0x15fff, 1, 0);
  t.same(writes, [], 'stores to pages without code do not call it');
  // After the code is invalidated (CODE cleared), stores take the fast path.
  s.clearCode(0x16);
  g.st32(0x16050, 1, 0);
  t.same(writes, [], 'no call once the page holds no code');
  // A faulting store to a code page does not report a code write.
  s.markCode(0x16);
  s.protect(0x16000, P, PROT.READ | PROT.EXEC);
  s.markCode(0x16);
  t.match(fault(t, () => g.st8(0x16000, 1, 0x99)), { signal: 'SIGSEGV', pc: 0x99, addr: 0x16000 }, 'read-only code page');
  t.same(writes, [], 'no onCodeWrite for a store that faults');
});
