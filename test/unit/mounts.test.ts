import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { HyemuError, OptionError } from '../../lib/errors.js';
import { E } from '../../lib/runtime/syscalls/errno.js';
import { AddressSpace, PROT } from '../../lib/runtime/address-space.js';
import { Kernel } from '../../lib/runtime/kernel.js';
import { MemoryManager } from '../../lib/runtime/memory-manager.js';
import { FdTable } from '../../lib/runtime/vfs/fd-table.js';
import { Namespace, guestComponents, joinGuest, parseMountSpec, type Resolved } from '../../lib/runtime/vfs/mounts.js';

t.test('parseMountSpec', async (t) => {
  t.same(parseMountSpec('/h:/g'), { host: '/h', guest: '/g', readOnly: false }, 'HOST:GUEST');
  t.same(parseMountSpec('/h:/g:ro'), { host: '/h', guest: '/g', readOnly: true }, ':ro');
  t.same(parseMountSpec('/h:/g:rw'), { host: '/h', guest: '/g', readOnly: false }, ':rw');
  t.same(parseMountSpec('/h'), { host: '/h', guest: '/h', readOnly: false }, 'GUEST defaults to HOST');
  t.same(parseMountSpec('/h:ro'), { host: '/h', guest: '/h', readOnly: true }, 'HOST:ro');
  t.same(parseMountSpec('rel/dir'), { host: 'rel/dir', guest: path.resolve('rel/dir'), readOnly: false }, 'relative HOST: guest is its absolute path');
  t.same(parseMountSpec('./x:/a/b/c'), { host: './x', guest: '/a/b/c', readOnly: false }, 'relative host, nested guest');
  for (const [spec, re] of [
    ['', /bad mount "": want HOSTDIR:GUESTDIR\[:ro\]/],
    [':/g', /bad mount ":\/g"/],
    ['/h:/g:x', /bad mount "\/h:\/g:x": want/],
    ['/h:/g:ro:ro', /bad mount/],
    ['/h:/g:', /bad mount/],
    ['/h:g', /bad mount "\/h:g": the guest directory must be an absolute path/],
    ['/h:', /the guest directory must be an absolute path/],
    ['/h::ro', /the guest directory must be an absolute path/],
  ] as const) {
    t.throws(() => parseMountSpec(spec), OptionError, `"${spec}" throws OptionError`);
    t.throws(() => parseMountSpec(spec), { code: 'BAD_OPTION', message: re }, `"${spec}" message`);
  }
});

t.test('guestComponents / joinGuest are lexical', async (t) => {
  t.same(guestComponents('/a/./b//c/'), ['a', 'b', 'c']);
  t.same(guestComponents('/a/b/../c'), ['a', 'c']);
  t.same(guestComponents('/../../x'), ['x'], '.. at / stays at /');
  t.same(guestComponents('/'), []);
  t.equal(joinGuest([]), '/');
  t.equal(joinGuest(['a', 'b']), '/a/b');
});

// A host tree in a temp directory:
//   a/file.txt  a/sub/inner.txt  a/link-in -> sub  a/link-file -> file.txt
//   a/link-out -> ../outside  a/abs-out -> <outside, absolute>
//   a/sneaky -> ../ab (a sibling whose name starts with "a")
//   a/dangling -> missing  a/dangling-out -> ../outside/new
//   a/loop1 -> loop2, a/loop2 -> loop1
//   b/x.txt (mounted below a's mount)   c/ (mounted read-only)
//   ab/f  outside/secret.txt  plain-file
const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-mounts-')));
t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
const H = (...p: string[]): string => path.join(root, ...p);
for (const d of ['a/sub', 'b/deeper', 'c', 'ab', 'outside']) fs.mkdirSync(H(d), { recursive: true });
fs.writeFileSync(H('a/file.txt'), 'file');
fs.writeFileSync(H('a/sub/inner.txt'), 'inner');
fs.writeFileSync(H('b/x.txt'), 'x');
fs.writeFileSync(H('ab/f'), 'f');
fs.writeFileSync(H('outside/secret.txt'), 'secret');
fs.writeFileSync(H('plain-file'), 'not a directory');
fs.symlinkSync('sub', H('a/link-in'));
fs.symlinkSync('file.txt', H('a/link-file'));
fs.symlinkSync('../outside', H('a/link-out'));
fs.symlinkSync(H('outside'), H('a/abs-out'));
fs.symlinkSync('../ab', H('a/sneaky'));
fs.symlinkSync('missing', H('a/dangling'));
fs.symlinkSync('../outside/new', H('a/dangling-out'));
fs.symlinkSync('loop2', H('a/loop1'));
fs.symlinkSync('loop1', H('a/loop2'));

// The nested mount is listed first: longest prefix must win regardless of order.
const ns = new Namespace([
  parseMountSpec(`${H('b')}:/data/nested`),
  parseMountSpec(`${H('a')}:/data`),
  parseMountSpec(`${H('c')}:/srv/www/c:ro`),
]);

const host = (hostPath: string, guestPath: string, readOnly = false, mountRoot = false): Resolved =>
  ({ kind: 'host', hostPath, readOnly, guestPath, mountRoot });
const err = (errno: number): Resolved => ({ kind: 'error', errno: -errno });

t.test('resolution of plain files and nested mounts', async (t) => {
  t.same(ns.resolve('/data/file.txt'), host(H('a/file.txt'), '/data/file.txt'), 'file in a mount');
  t.same(ns.resolve('/data'), host(H('a'), '/data', false, true), 'the mount point itself');
  t.same(ns.resolve('/data/sub/inner.txt'), host(H('a/sub/inner.txt'), '/data/sub/inner.txt'), 'subdirectory');
  t.same(ns.resolve('/data/nested/x.txt'), host(H('b/x.txt'), '/data/nested/x.txt'), 'nested mount wins');
  t.same(ns.resolve('/data/nested'), host(H('b'), '/data/nested', false, true), 'nested mount point');
  t.same(ns.resolve('/data/nested/deeper/../x.txt'), host(H('b/x.txt'), '/data/nested/x.txt'), 'lexical .. inside');
  t.same(ns.resolve('/data/nested/../file.txt'), host(H('a/file.txt'), '/data/file.txt'), '.. leaves the nested mount');
  t.same(ns.resolve('/srv/www/c'), host(H('c'), '/srv/www/c', true, true), 'read-only mount');
  t.same(ns.resolve('/data/missing'), err(E.ENOENT), 'missing file');
  t.same(ns.resolve('/nowhere'), err(E.ENOENT), 'outside every mount');
  t.same(ns.resolve('/srv/other'), err(E.ENOENT), 'sibling of a virtual directory entry');
  t.same(ns.resolve('/data/file.txt/x'), err(E.ENOTDIR), 'a file used as a directory');
  t.same(ns.resolve('/data/file.txt/x', 'create'), err(E.ENOTDIR), 'a file used as a directory (create)');
  // 'nofollow' checks only that the parent exists; a regular file does, so
  // the path resolves and the host operation reports ENOTDIR.
  const nf = ns.resolve('/data/file.txt/x', 'nofollow');
  t.same(nf, host(H('a/file.txt/x'), '/data/file.txt/x'), 'a file used as a directory (nofollow) resolves');
  t.throws(() => fs.lstatSync(H('a/file.txt/x')), { code: 'ENOTDIR' }, '... and the host call fails with ENOTDIR');
});

t.test('virtual parent directories list their mount points', async (t) => {
  t.same(ns.resolve('/'), { kind: 'virtual', guestPath: '/', children: ['data', 'srv'] }, '/');
  t.same(ns.resolve('/srv'), { kind: 'virtual', guestPath: '/srv', children: ['www'] }, '/srv');
  t.same(ns.resolve('/srv/www/'), { kind: 'virtual', guestPath: '/srv/www', children: ['c'] }, '/srv/www/');
  t.same(ns.resolve('/..'), { kind: 'virtual', guestPath: '/', children: ['data', 'srv'] }, '/.. is /');
  t.same(ns.resolve('/../../srv/./www/..'), { kind: 'virtual', guestPath: '/srv', children: ['www'] }, 'normalised');
  t.same(ns.resolve('/../../data/file.txt'), host(H('a/file.txt'), '/data/file.txt'), '.. at / stays at /');
  t.same(ns.resolve('/data/../../data/sub/../file.txt'), host(H('a/file.txt'), '/data/file.txt'), 'cannot climb out by ..');
});

t.test('symbolic links must stay inside the mount', async (t) => {
  t.same(ns.resolve('/data/link-in/inner.txt'), host(H('a/sub/inner.txt'), '/data/link-in/inner.txt'), 'link to a directory inside');
  t.same(ns.resolve('/data/link-file'), host(H('a/file.txt'), '/data/link-file'), 'link to a file inside');
  t.same(ns.resolve('/data/link-out'), err(E.EACCES), 'relative link leading outside');
  t.same(ns.resolve('/data/link-out/secret.txt'), err(E.EACCES), 'file through a link leading outside');
  t.same(ns.resolve('/data/abs-out/secret.txt'), err(E.EACCES), 'absolute link leading outside');
  t.same(ns.resolve('/data/sneaky/f'), err(E.EACCES), 'a sibling directory sharing the name prefix is outside');
  t.same(ns.resolve('/data/dangling'), err(E.ENOENT), 'dangling link (follow)');
  t.same(ns.resolve('/data/loop1'), err(E.ELOOP), 'symlink loop');
  t.same(ns.resolve('/data/link-out/new', 'create'), err(E.EACCES), 'create through a link leading outside');
});

t.test("resolve mode 'create'", async (t) => {
  t.same(ns.resolve('/data/new.txt', 'create'), host(H('a/new.txt'), '/data/new.txt'), 'new file in a mount');
  t.same(ns.resolve('/data/link-in/new.txt', 'create'), host(H('a/sub/new.txt'), '/data/link-in/new.txt'), 'through a link inside');
  t.same(ns.resolve('/data/file.txt', 'create'), host(H('a/file.txt'), '/data/file.txt'), 'existing file');
  t.same(ns.resolve('/data/dangling', 'create'), err(E.EACCES), 'dangling symlink (inside) on create');
  t.same(ns.resolve('/data/dangling-out', 'create'), err(E.EACCES), 'dangling symlink (outside) on create');
  t.same(ns.resolve('/data/nodir/new.txt', 'create'), err(E.ENOENT), 'missing parent');
  t.same(ns.resolve('/srv/www/c/new', 'create'), host(H('c/new'), '/srv/www/c/new', true), 'read-only mounts still resolve (the caller refuses writes)');
  t.same(ns.resolve('/srv/new', 'create'), err(E.ENOENT), 'inside a virtual directory');
});

t.test("resolve mode 'nofollow'", async (t) => {
  t.same(ns.resolve('/data/link-out', 'nofollow'), host(H('a/link-out'), '/data/link-out'), 'the link itself, not its target');
  t.same(ns.resolve('/data/abs-out', 'nofollow'), host(H('a/abs-out'), '/data/abs-out'), 'absolute link itself');
  t.same(ns.resolve('/data/dangling', 'nofollow'), host(H('a/dangling'), '/data/dangling'), 'dangling link itself');
  t.same(ns.resolve('/data/link-in/inner.txt', 'nofollow'), host(H('a/sub/inner.txt'), '/data/link-in/inner.txt'), 'earlier components are followed');
  t.same(ns.resolve('/data/link-out/secret.txt', 'nofollow'), err(E.EACCES), 'parent through a link leading outside');
  t.same(ns.resolve('/data/nodir/x', 'nofollow'), err(E.ENOENT), 'missing parent');
  t.same(ns.resolve('/data', 'nofollow'), host(H('a'), '/data', false, true), 'the mount point itself');
  t.same(ns.resolve('/data/missing', 'nofollow'), host(H('a/missing'), '/data/missing'), 'last component need not exist');
});

t.test('a mount at / and mount sources', async (t) => {
  const rootNs = new Namespace([parseMountSpec(`${H('a')}:/`)]);
  t.same(rootNs.resolve('/'), host(H('a'), '/', false, true), '/ is the host directory');
  t.same(rootNs.resolve('/../../file.txt'), host(H('a/file.txt'), '/file.txt'), '.. cannot leave it');
  t.same(rootNs.resolve('/link-out'), err(E.EACCES), 'links out are refused');
  t.notOk(rootNs.empty, 'not empty');

  const none = new Namespace([]);
  t.ok(none.empty, 'no mounts: empty');
  t.same(none.resolve('/'), { kind: 'virtual', guestPath: '/', children: [] }, 'only an empty root');
  t.same(none.resolve('/etc'), err(E.ENOENT), 'nothing below it');

  t.throws(() => new Namespace([parseMountSpec(`${H('nope')}:/x`)]),
    { name: 'HyemuError', code: 'FILE_NOT_FOUND', message: /mount source .*nope does not exist/ }, 'missing source');
  t.throws(() => new Namespace([parseMountSpec(`${H('plain-file')}:/x`)]),
    { name: 'OptionError', code: 'BAD_OPTION', message: /mount source .*plain-file is not a directory/ }, 'source is a file');
  t.throws(() => new Namespace([parseMountSpec(`${H('nope')}:/x`)]), HyemuError, 'HyemuError class');
  // A source given through a symbolic link resolves to its target.
  const viaLink = new Namespace([parseMountSpec(`${H('a/link-in')}:/s`)]);
  t.same(viaLink.resolve('/s/inner.txt'), host(H('a/sub/inner.txt'), '/s/inner.txt'), 'symlinked source');
  t.same(viaLink.resolve('/s/../file.txt'), err(E.ENOENT), 'lexical .. does not reach the link\'s parent');
});

t.test('openat cannot reach outside a mount through a symbolic link', async (t) => {
  // The namespace hands 'nofollow' callers the link itself; openat with
  // O_NOFOLLOW must then refuse the link (Linux: ELOOP), not open its target.
  const space = new AddressSpace(1 << 28);
  space.map(0x10000, 0x1000, PROT.READ | PROT.WRITE);
  const k = new Kernel(space, new MemoryManager(space, 0x20000, 0x30000000), new FdTable(64), ns, { pid: 1 });
  const AT_FDCWD = -100, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000, SYS_openat = 56;
  space.poke(0x10000, new TextEncoder().encode('/data/link-out\0'));
  t.equal(k.syscall(SYS_openat, [AT_FDCWD, 0x10000, O_DIRECTORY, 0]), -E.EACCES, 'following the link: EACCES');
  t.equal(k.syscall(SYS_openat, [AT_FDCWD, 0x10000, O_DIRECTORY | O_NOFOLLOW, 0]), -E.ELOOP,
    'O_NOFOLLOW on a link: ELOOP, whatever the link points at');
});
