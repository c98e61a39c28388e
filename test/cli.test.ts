import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { hyemu, noStack } from './helpers/cli.js';
import { ROOT, guestElf } from './helpers/guest.js';

// The command line: guest exit codes, one-line fault and error reports with
// defined exit codes (never a JavaScript stack), and the run options.

t.test('guest stdout and exit status', async (t) => {
  const r = hyemu(['run', '--no-tier2', guestElf('hello'), 'a', 'b']);
  t.equal(r.status, 3, 'exit code is the guest\'s');
  t.match(r.stdout, /^hello from rv32, argc=3\nargv\[0\]=.*hello\.elf\nargv\[1\]=a\nargv\[2\]=b\nmalloc works\n$/);
  t.equal(r.stderr, '', 'nothing on stderr');
});

t.test('guest arguments that look like hyemu options go to the guest', async (t) => {
  const r = hyemu(['run', '--no-tier2', guestElf('hello'), '--stats', '-x']);
  t.match(r.stdout, /argv\[1\]=--stats\nargv\[2\]=-x/);
  t.notMatch(r.stderr, /statistics/, 'not taken as hyemu\'s --stats');
});

t.test('fatal guest signals: one line, 128+signo', async (t) => {
  const segv = hyemu(['run', guestElf('faults'), 'null']);
  t.equal(segv.status, 139, 'SIGSEGV exits 139');
  const lines = segv.stderr.trim().split('\n');
  t.equal(lines.length, 1, 'one line on stderr');
  t.match(lines[0], /^hyemu: guest terminated by SIGSEGV \(Segmentation fault\) at pc 0x[0-9a-f]{8} <\w+\+0x[0-9a-f]+> \[.+\], fault address 0x00000000$/);
  const ill = hyemu(['run', guestElf('illegal')]);
  t.equal(ill.status, 132, 'SIGILL exits 132');
  t.match(ill.stderr, /^hyemu: guest terminated by SIGILL \(Illegal instruction\) at pc 0x[0-9a-f]{8}.*\n$/);
  const trap = hyemu(['run', guestElf('ebreak')]);
  t.equal(trap.status, 133, 'SIGTRAP exits 133');
  const abort = hyemu(['run', guestElf('faults'), 'abort']);
  t.equal(abort.status, 134, 'abort() exits 134');
  t.match(abort.stderr, /SIGABRT/);
});

t.test('bad input: one line, defined exit codes', async (t) => {
  const missing = hyemu(['run', 'no-such-program.elf']);
  t.equal(missing.status, 127, 'missing file: 127');
  t.equal(missing.stderr, 'hyemu: no-such-program.elf: no such file\n');
  const text = path.join(os.tmpdir(), `hyemu-cli-${process.pid}.txt`);
  fs.writeFileSync(text, 'not a program\n');
  t.teardown(() => fs.rmSync(text, { force: true }));
  const notElf = hyemu(['run', text]);
  t.equal(notElf.status, 126, 'not an ELF: 126');
  t.equal(notElf.stderr, 'hyemu: not an ELF file (bad magic number)\n');
  const unknown = hyemu(['run', '--bogus', guestElf('hello')]);
  t.equal(unknown.status, 2, 'unknown option: 2');
  t.match(unknown.stderr, /^hyemu: unknown option '--bogus'\n/);
  noStack(t, unknown.stderr);
  const badValue = hyemu(['run', '--max-insns', 'lots', guestElf('hello')]);
  t.equal(badValue.status, 2, 'bad option value: 2');
  t.match(badValue.stderr, /max-insns.*positive integer/);
  const noProgram = hyemu(['run']);
  t.equal(noProgram.status, 2, 'missing program argument: 2');
  const badMount = hyemu(['run', '--mount', '/definitely/not/here:/x', guestElf('hello')]);
  t.equal(badMount.status, 127, 'missing mount source: 127');
  t.equal(badMount.stderr, 'hyemu: mount source /definitely/not/here does not exist\n');
  const help = hyemu(['run', '--help']);
  t.equal(help.status, 0, '--help exits 0');
  t.match(help.stdout, /--max-insns/);
});

t.test('limits end the run with exit 124 and a message', async (t) => {
  const insns = hyemu(['run', '--no-tier2', '--max-insns', '100000', guestElf('hotloop')]);
  t.equal(insns.status, 124, 'instruction limit: 124');
  t.match(insns.stderr, /^hyemu: instruction limit of 100000 reached at pc 0x[0-9a-f]{8}\n$/);
  const time = hyemu(['run', '--timeout', '0.3', guestElf('hotloop'), '100000000']);
  t.equal(time.status, 124, 'time limit: 124');
  t.match(time.stderr, /^hyemu: time limit of 300 ms reached at pc 0x[0-9a-f]{8}\n$/);
  const mem = hyemu(['run', '--memory-limit', '4M', guestElf('hello')]);
  t.equal(mem.status, 126, 'memory limit below what the program needs: 126');
  t.match(mem.stderr, /^hyemu: the program needs \d+ bytes, more than the memory limit of 4194304 bytes\n$/);
});

t.test('--strace logs one line per system call', async (t) => {
  const r = hyemu(['run', '--no-tier2', '--strace', guestElf('hello')]);
  t.equal(r.status, 3);
  const lines = r.stderr.trim().split('\n');
  t.ok(lines.every((l) => /^\[hyemu strace\] \w+\(.*\) = (-1 E[A-Z]+|-?\d+)$/.test(l)), 'every line has the strace form');
  t.ok(lines.some((l) => /^\[hyemu strace\] write\(1, 0x[0-9a-f]+, 24\) = 24$/.test(l)), 'the first line of output is one write of 24 bytes');
  t.ok(lines.some((l) => /^\[hyemu strace\] brk\(NULL\) = \d+$/.test(l)), 'brk(NULL)');
  t.match(lines[lines.length - 1], /exit_group\(3\)/, 'ends with exit_group(3)');
});

t.test('--stats prints a table to stderr', async (t) => {
  const r = hyemu(['run', '--stats', guestElf('hello')]);
  t.equal(r.status, 3);
  for (const row of ['guest instructions', 'guest MIPS', 'tier 1: blocks translated', 'tier 2: traces installed', 'tier 2: share of instructions']) {
    t.match(r.stderr, new RegExp(`^  ${row.replace(/[()]/g, '\\$&')}\\s+[\\d,.]+`, 'm'), row);
  }
  const off = hyemu(['run', '--stats', '--no-tier2', guestElf('hello')]);
  t.match(off.stderr, /tier 2\s+off/);
});

t.test('--env sets the guest environment; the host environment stays out', async (t) => {
  const r = hyemu(['run', '--env', 'HYEMU_TEST=hello', guestElf('args_env')], { ...process.env, SECRET_HOST_VAR: 'x' });
  t.equal(r.status, 0);
  t.match(r.stdout, /env\[0\]=\[HYEMU_TEST=hello\]\nenvc=1\n/);
  t.notMatch(r.stdout, /SECRET_HOST_VAR/);
  const bad = hyemu(['run', '--env', 'NOEQUALS', guestElf('args_env')]);
  t.equal(bad.status, 2);
  t.equal(bad.stderr, 'hyemu: bad --env "NOEQUALS": want KEY=VALUE\n');
});

t.test('--mount and --cwd: the guest sees only what is mounted', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-cli-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'in.txt'), 'from host');
  const r = hyemu(['run', '--mount', `${dir}:/work`, '--cwd', '/work', guestElf('fsbox'),
    'read', 'in.txt', 'write', '/work/out.txt', 'from guest', 'cwd', 'read', '/etc/passwd', 'list', '/']);
  t.equal(r.stdout, 'read in.txt: [from host]\nwrite /work/out.txt: ok\ncwd: /work\nread /etc/passwd: ENOENT\nlist /: . .. work\n');
  t.equal(r.status, 1, 'one failed operation');
  t.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'from guest', 'the write reached the mounted directory');
});

t.test('stdin is piped to the guest', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['dist/lib/cli/bin.cjs', 'run', guestElf('stdin_lines')], {
    input: 'one\ntwo\nthree\n', encoding: 'utf8',
  });
  t.equal(r.status, 3, 'exit code = number of lines');
  t.equal(r.stdout, '   1: one\n   2: two\n   3: three\n3 lines\n');
});

t.test('the package bin: the launcher, run through symbolic links as npm links it', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const bin = path.join(ROOT, pkg.bin['hyemu']!);
  t.equal(pkg.bin['hyemu'], 'bin/hyemu');
  t.ok(fs.statSync(bin).mode & 0o111, 'executable');
  // node_modules/.bin/hyemu -> ../hyemu/bin/hyemu, with the package itself a link.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-bin-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules/hyemu'));
  fs.symlinkSync('../hyemu/bin/hyemu', path.join(dir, 'node_modules/.bin/hyemu'));
  const env = { PATH: `${path.join(dir, 'node_modules/.bin')}:${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
  // Through PATH, from another directory; an argument that is not UTF-8
  // keeps its bytes (raw-argv.ts reads them from /proc/self/cmdline).
  const r = spawnSync('sh', ['-c', `cd / && exec hyemu run ${guestElf('args_env')} "$(printf 'a\\377')" --stats`], { env });
  t.equal(r.status, 0, r.stderr.toString());
  t.ok(r.stdout.includes(Buffer.from('argv[1]=[a\xff]\nargv[2]=[--stats]\n', 'latin1')), 'the arguments, as bytes');
  t.equal(r.stderr.toString(), '');
  const plain = spawnSync(bin, ['run', guestElf('hello'), 'x'], { encoding: 'utf8', env });
  t.equal(plain.status, 3, 'run by its own path');
  t.match(plain.stdout, /^hello from rv32, argc=2\n/);
});
