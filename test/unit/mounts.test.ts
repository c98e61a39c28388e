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
// and for the component walk:
//   a/y  a/sub/y  a/sub/deeper/  a/deep-link -> sub/deeper  a/abs-in -> <a/sub>
//   a/updown -> sub/../../a/file.txt (climbs above the mount, then back)
//   a/nested-up -> nested/..  b/up -> ../file.txt  b/abs-a -> <a/file.txt>
//   a/c0 -> a/c1 -> ... -> a/c40 -> file.txt (41 links)
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
fs.mkdirSync(H('a/sub/deeper'));
fs.writeFileSync(H('a/y'), 'top-y');
fs.writeFileSync(H('a/sub/y'), 'sub-y');
fs.symlinkSync('sub/deeper', H('a/deep-link'));
fs.symlinkSync(H('a/sub'), H('a/abs-in'));
fs.symlinkSync('sub/../../a/file.txt', H('a/updown'));
fs.symlinkSync('nested/..', H('a/nested-up'));
fs.symlinkSync('../file.txt', H('b/up'));
fs.symlinkSync(H('a/file.txt'), H('b/abs-a'));
for (let i = 0; i < 40; i++) fs.symlinkSync(`c${i + 1}`, H(`a/c${i}`));
fs.symlinkSync('file.txt', H('a/c40'));

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
  t.same(ns.resolve('/data/file.txt/x', 'nofollow'), err(E.ENOTDIR), 'a file used as a directory (nofollow)');
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
  // The guest path reported is where the links led (what getcwd shows).
  t.same(ns.resolve('/data/link-in/inner.txt'), host(H('a/sub/inner.txt'), '/data/sub/inner.txt'), 'link to a directory inside');
  t.same(ns.resolve('/data/link-file'), host(H('a/file.txt'), '/data/file.txt'), 'link to a file inside');
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
  t.same(ns.resolve('/data/link-in/new.txt', 'create'), host(H('a/sub/new.txt'), '/data/sub/new.txt'), 'through a link inside');
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
  t.same(ns.resolve('/data/link-in/inner.txt', 'nofollow'), host(H('a/sub/inner.txt'), '/data/sub/inner.txt'), 'earlier components are followed');
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

t.test('.. applies after the links before it, component by component', async (t) => {
  t.same(ns.resolve('/data/deep-link/../y'), host(H('a/sub/y'), '/data/sub/y'), 'link/../y is the y beside the link\'s target');
  t.same(ns.resolve('/data/abs-in/../y'), host(H('a/y'), '/data/y'), 'an absolute link inside the mount');
  t.same(ns.resolve('/data/abs-in/y'), host(H('a/sub/y'), '/data/sub/y'), 'an absolute link, then a name');
  t.same(ns.resolve('/data/deep-link/'), host(H('a/sub/deeper'), '/data/sub/deeper'), 'a trailing slash');
  t.same(ns.resolve('/data/deep-link/', 'nofollow'), host(H('a/sub/deeper'), '/data/sub/deeper'), 'a trailing slash follows even with nofollow');
  t.same(ns.resolve('/data/deep-link', 'nofollow'), host(H('a/deep-link'), '/data/deep-link'), '... which without it takes the link');
  t.same(ns.resolve('/data/nested-up/file.txt'), host(H('a/file.txt'), '/data/file.txt'), 'a link into a nested mount and back out of it');
  t.same(ns.resolve('/data/nested/../y'), host(H('a/y'), '/data/y'), '.. at a mount root goes to the mount point\'s guest parent');
  t.same(ns.resolve('/srv/www/c/../../www/c'), host(H('c'), '/srv/www/c', true, true), '... also into virtual directories');
  t.same(ns.resolve('/data/c1'), host(H('a/file.txt'), '/data/file.txt'), '40 links are followed');
  t.same(ns.resolve('/data/c0'), err(E.ELOOP), 'the 41st is ELOOP');
  t.same(ns.resolve('/data/c0', 'create'), err(E.ELOOP), 'ELOOP when creating too');
  t.same(ns.resolve('/data/c0', 'nofollow'), host(H('a/c0'), '/data/c0'), 'nofollow: the link itself');
  t.same(ns.resolve('/data/loop1/x', 'nofollow'), err(E.ELOOP), 'a loop in the middle of a path');
});

t.test('a non-directory in the middle of a path, and long names', async (t) => {
  for (const p of ['/data/file.txt/.', '/data/file.txt/..', '/data/file.txt/', '/data/file.txt//', '/data/link-file/', '/data/sub/inner.txt/../x']) {
    t.same(ns.resolve(p), err(E.ENOTDIR), p);
    t.same(ns.resolve(p, 'nofollow'), err(E.ENOTDIR), `${p} (nofollow)`);
  }
  t.same(ns.resolve('/data/file.txt/new', 'create'), err(E.ENOTDIR), 'creating below a file');
  t.same(ns.resolve('/data/missing/'), err(E.ENOENT), 'missing, with a trailing slash');
  t.same(ns.resolve('/data/missing/x', 'create'), err(E.ENOENT), 'creating below nothing');
  t.same(ns.resolve('/data/dangling/', 'nofollow'), err(E.ENOENT), 'a dangling link with a trailing slash');
  const long = 'n'.repeat(256);
  t.same(ns.resolve(`/data/${'n'.repeat(255)}`), err(E.ENOENT), 'a 255-byte name may exist');
  t.same(ns.resolve(`/data/${long}`), err(E.ENAMETOOLONG), 'a 256-byte name is ENAMETOOLONG');
  t.same(ns.resolve(`/data/${long}`, 'create'), err(E.ENAMETOOLONG), '... and cannot be created');
  t.same(ns.resolve(`/${long}/x`), err(E.ENAMETOOLONG), '... even in a virtual directory');
  t.same(ns.resolve(`/data/missing/${long}`), err(E.ENOENT), 'names are checked as the walk reaches them');
});

t.test('links cannot climb out of their mount, and nothing outside is looked at', async (t) => {
  const mountRoots = [H('a'), H('b'), H('c')];
  const seen: string[] = [];
  const spied = ['lstatSync', 'statSync', 'readlinkSync', 'realpathSync', 'accessSync', 'openSync', 'readdirSync', 'existsSync'] as const;
  const saved = spied.map((name) => fs[name]);
  const record = (p: unknown): void => { seen.push(Buffer.isBuffer(p) ? p.toString('latin1') : String(p)); };
  spied.forEach((name, i) => {
    (fs as unknown as Record<string, unknown>)[name] = (p: unknown, ...rest: unknown[]) => {
      record(p);
      return (saved[i] as (...a: unknown[]) => unknown)(p, ...rest);
    };
  });
  try {
    t.same(ns.resolve('/data/updown'), err(E.EACCES), 'a link climbing above the mount root, even to come back in');
    t.same(ns.resolve('/data/nested/up'), err(E.EACCES), 'a link in a nested mount climbing out of it');
    t.same(ns.resolve('/data/nested/abs-a'), err(E.EACCES), 'an absolute link into another mount\'s host directory');
    t.same(ns.resolve('/data/link-out/../file.txt'), err(E.EACCES), 'out and back by the guest\'s own ..');
    t.same(ns.resolve('/data/deep-link/../../link-out/secret.txt', 'create'), err(E.EACCES), 'an escaping link reached through another');
    t.same(ns.resolve('/data/link-in/../dangling-out', 'create'), err(E.EACCES), 'creating through a dangling link leading out');
    t.same(ns.resolve('/data/abs-out/secret.txt', 'nofollow'), err(E.EACCES), 'an absolute link out');
    t.same(ns.resolve('/data/sneaky/f'), err(E.EACCES), 'a sibling sharing the name prefix');
  } finally {
    spied.forEach((name, i) => { (fs as unknown as Record<string, unknown>)[name] = saved[i]; });
  }
  t.ok(seen.length > 0, 'the resolver looked at host paths');
  const strays = seen.filter((p) => !mountRoots.some((r) => p === r || p.startsWith(r + '/')));
  t.same(strays, [], 'every host path looked at lies inside a mount');
});

t.test('dangling links are never created through', async (t) => {
  t.same(ns.resolve('/data/dangling', 'create'), err(E.EACCES), 'inside the mount');
  t.same(ns.resolve('/data/link-in/../dangling', 'create'), err(E.EACCES), 'reached through a link');
  t.notOk(fs.existsSync(H('a/missing')), 'no target was created');
});

t.test('mount sources and guest paths as bytes', async (t) => {
  const odd = Buffer.concat([Buffer.from(root + '/'), Buffer.from('m\xff', 'latin1')]);
  fs.mkdirSync(odd);
  fs.writeFileSync(Buffer.concat([odd, Buffer.from('/f')]), 'f');
  // The guest spells '/dätä' in UTF-8; the kernel holds its bytes.
  const bytesNs = new Namespace([{ host: odd, guest: '/dätä', readOnly: false }]);
  const guest = Buffer.from('/dätä/f').toString('latin1');
  t.same(bytesNs.resolve(guest), host(odd.toString('latin1') + '/f', guest), 'a Buffer source that is not UTF-8, at a UTF-8 guest path');
  t.same(bytesNs.resolve('/dätä/f'), err(E.ENOENT), 'the guest path is its UTF-8 bytes, not its characters');
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

t.test('path arguments: PATH_MAX and bytes', async (t) => {
  const space = new AddressSpace(1 << 28);
  space.map(0x10000, 0x2000, PROT.READ | PROT.WRITE);
  const k = new Kernel(space, new MemoryManager(space, 0x20000, 0x30000000), new FdTable(64), ns, { pid: 1 });
  const AT_FDCWD = -100, SYS_openat = 56, SYS_getcwd = 17, SYS_chdir = 49;
  // Slashes: any number of them name "/".
  space.poke(0x10000, new Uint8Array(0x2000).fill(0x2f));
  t.equal(k.syscall(SYS_openat, [AT_FDCWD, 0x10000, 0, 0]), -E.ENAMETOOLONG, '4096 bytes without a NUL: ENAMETOOLONG');
  t.equal(k.syscall(SYS_openat, [AT_FDCWD, 0x11800, 0, 0]), -E.EFAULT, 'a fault before the NUL: EFAULT');
  space.poke(0x10fff, new Uint8Array([0]));
  t.ok((k.syscall(SYS_openat, [AT_FDCWD, 0x10000, 0, 0]) as number) >= 0, '4095 bytes and the NUL: opens /');
  const dir = Buffer.from('/data/sub/\xe9\xff\0', 'latin1');
  fs.mkdirSync(Buffer.from(H('a/sub/\xe9\xff'), 'latin1'));
  space.poke(0x10000, dir);
  t.equal(k.syscall(SYS_chdir, [0x10000]), 0, 'chdir to a directory named with bytes \\xe9\\xff');
  t.equal(k.syscall(SYS_getcwd, [0x10100, 64]), dir.length, 'getcwd: its length with the NUL');
  t.same(Buffer.from(space.readView(0x10100, dir.length)!), dir, '... and exactly its bytes');
});
