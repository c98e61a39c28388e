import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { RunOptions } from '../lib/index.js';
import { qemuPath, runCase, runCaseInQemu, type GuestCase, type Outcome } from './helpers/guest.js';

// Paths as the kernel resolves them, and file names as bytes: the guest
// test/guest/programs/paths.c runs case after case in a fixture tree and
// prints one line per case; qemu-riscv32 (the host kernel) is the
// reference for every line.

const HOST_NAME = Buffer.from('host\xfe\xff', 'latin1');
const GUEST_NAME = Buffer.from('odd\xff\xfename', 'latin1');

/** The tree paths.c expects (its header comment), in a fresh directory. */
function fixture(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-paths-')));
  const at = (p: string): string => path.join(dir, p);
  fs.mkdirSync(at('sub/deeper'), { recursive: true });
  fs.mkdirSync(at('emptydir'));
  for (const [file, data] of [['f1', 'f1'], ['y', 'top-y'], ['sub/y', 'sub-y'], ['sub/deeper/z', 'z']]) fs.writeFileSync(at(file!), data!);
  for (const [link, target] of [
    ['link', 'sub/deeper'], ['link3', 'link/..'], ['flink', 'f1'], ['abslink', at('sub')], ['sub/dlink', 'deeper'],
    ['slashlink', './sub/../sub/deeper/'], ['dangling', 'missing'], ['loop', 'loop'], ['ch40', 'f1'],
  ]) fs.symlinkSync(target!, at(link!));
  for (let i = 0; i < 40; i++) fs.symlinkSync(`ch${i + 1}`, at(`ch${i}`));
  fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), HOST_NAME]), 'host-bytes');
  return dir;
}

const pathsCase = (dir: string): GuestCase => ({ name: 'paths', elf: 'bin/paths.elf', args: [dir], exit: 0 });

/** Runs paths.elf in a fresh fixture; `check` sees the tree afterwards. */
async function inFixture(run: (c: GuestCase, dir: string) => Outcome | Promise<Outcome>, check?: (dir: string) => void): Promise<Outcome> {
  const dir = fixture();
  try {
    const out = await run(pathsCase(dir), dir);
    check?.(dir);
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const inHyemu = (options: RunOptions) => (c: GuestCase, dir: string): Promise<Outcome> =>
  runCase(c, { mounts: [`${dir}:${dir}`], ...options });

t.test('every case resolves as under qemu-riscv32', { skip: qemuPath() ? false : 'qemu-riscv32 is not installed' }, async (t) => {
  const reference = await inFixture((c) => runCaseInQemu(c));
  t.equal(reference.exitCode, 0, 'qemu: exit 0');
  t.match(reference.stdout, /^open link\/\.\.\/y: \[sub-y\]$/m, 'qemu ran the cases');
  for (const [name, options] of [['tier 1', { tier2: false as const }], ['hybrid', {}]] as const) {
    const got = await inFixture(inHyemu(options));
    t.equal(got.stdout, reference.stdout, `${name}: the same output`);
    t.equal(got.exitCode, reference.exitCode, `${name}: the same exit code`);
  }
});

t.test('file names are bytes on the host', async (t) => {
  const strace: string[] = [];
  const out = await inFixture(inHyemu({ tier2: false, strace: (l) => strace.push(l) }), (dir) => {
    const names = fs.readdirSync(dir, { encoding: 'buffer' });
    t.ok(names.some((n) => n.equals(GUEST_NAME)), 'the guest\'s odd\\xff\\xfename is on the host with exactly those bytes');
    t.equal(fs.readFileSync(Buffer.concat([Buffer.from(dir + '/'), GUEST_NAME]), 'utf8'), 'made', '... and holds what the guest wrote');
    t.ok(names.some((n) => n.equals(Buffer.from('dir\xff', 'latin1'))), 'the guest\'s directory dir\\xff too');
  });
  t.match(out.stdout, /^open host\\xfe\\xff: \[host-bytes\]$/m, 'the guest opens a host file named with bytes \\xfe\\xff');
  t.match(out.stdout, /^list \.: .* host\\xfe\\xff .* odd\\xff\\xfename /m, 'getdents64 lists both names with their bytes');
  t.ok(strace.some((l) => l.startsWith('openat(AT_FDCWD, "odd\\xff\\xfename", 0x41, 0644) = ')), '--strace shows the bytes as \\xNN');
});
