import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { run } from '../lib/index.js';
import { guestElf } from './helpers/guest.js';

// Containment of the file system: only mounted directories are visible;
// `..`, absolute paths and symbolic links cannot climb out of a mount;
// read-only mounts refuse writes. The guest is test/guest/programs/fsbox.c,
// which prints one line per operation.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-fs-'));
t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
const mnt = path.join(root, 'mnt');
const outside = path.join(root, 'outside');
fs.mkdirSync(path.join(mnt, 'sub'), { recursive: true });
fs.mkdirSync(outside);
fs.writeFileSync(path.join(mnt, 'file.txt'), 'inside');
fs.writeFileSync(path.join(mnt, 'sub', 'deep.txt'), 'deep');
fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(mnt, 'abs-link'));
fs.symlinkSync('../outside/secret.txt', path.join(mnt, 'rel-link'));
fs.symlinkSync('../outside', path.join(mnt, 'dir-link'));
fs.symlinkSync('sub/deep.txt', path.join(mnt, 'ok-link'));
fs.symlinkSync(path.join(outside, 'created-by-guest.txt'), path.join(mnt, 'dangling'));

async function fsbox(mounts: string[], ...ops: string[]): Promise<string> {
  const r = await run(guestElf('fsbox'), { args: ops, mounts, tier2: false });
  return r.stdout!.toString();
}

t.test('nothing of the host is visible without a mount', async (t) => {
  t.equal(await fsbox([], 'read', '/etc/passwd', 'list', '/', 'read', `${mnt}/file.txt`, 'write', '/tmp/hyemu-should-not-exist', 'x'),
    `read /etc/passwd: ENOENT\nlist /: . ..\nread ${mnt}/file.txt: ENOENT\nwrite /tmp/hyemu-should-not-exist: ENOENT\n`);
  t.notOk(fs.existsSync('/tmp/hyemu-should-not-exist'), 'no host file was created');
});

t.test('a mount is visible where it is mounted, and nothing beside it', async (t) => {
  t.equal(await fsbox([`${mnt}:/data`], 'read', '/data/file.txt', 'read', '/data/sub/deep.txt', 'list', '/', 'read', `${mnt}/file.txt`),
    `read /data/file.txt: [inside]\nread /data/sub/deep.txt: [deep]\nlist /: . .. data\nread ${mnt}/file.txt: ENOENT\n`);
});

t.test('.. cannot climb out of a mount', async (t) => {
  t.equal(await fsbox([`${mnt}:/data`],
    'read', '/data/../outside/secret.txt', 'read', '/data/../../../../etc/passwd',
    'chdir', '/data/sub', 'read', '../../outside/secret.txt', 'read', '../file.txt'),
    'read /data/../outside/secret.txt: ENOENT\nread /data/../../../../etc/passwd: ENOENT\n' +
    'chdir /data/sub: ok\nread ../../outside/secret.txt: ENOENT\nread ../file.txt: [inside]\n');
});

t.test('symbolic links cannot lead out of a mount', async (t) => {
  t.equal(await fsbox([`${mnt}:/data`],
    'read', '/data/abs-link', 'read', '/data/rel-link', 'list', '/data/dir-link', 'read', '/data/dir-link/secret.txt',
    'read', '/data/ok-link', 'readlink', '/data/rel-link', 'write', '/data/dangling', 'x'),
    'read /data/abs-link: EACCES\nread /data/rel-link: EACCES\nlist /data/dir-link: EACCES\n' +
    'read /data/dir-link/secret.txt: EACCES\nread /data/ok-link: [deep]\nreadlink /data/rel-link: [../outside/secret.txt]\n' +
    'write /data/dangling: EACCES\n');
  t.notOk(fs.existsSync(path.join(outside, 'created-by-guest.txt')), 'the dangling link did not create a file outside');
  t.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret');
});

t.test('a read-only mount refuses every write', async (t) => {
  t.equal(await fsbox([`${mnt}:/ro:ro`],
    'read', '/ro/file.txt', 'write', '/ro/file.txt', 'changed', 'append', '/ro/file.txt', 'more', 'write', '/ro/new.txt', 'x',
    'unlink', '/ro/file.txt', 'mkdir', '/ro/newdir', 'rmdir', '/ro/sub'),
    'read /ro/file.txt: [inside]\nwrite /ro/file.txt: EROFS\nappend /ro/file.txt: EROFS\nwrite /ro/new.txt: EROFS\n' +
    'unlink /ro/file.txt: EROFS\nmkdir /ro/newdir: EROFS\nrmdir /ro/sub: EROFS\n');
  t.equal(fs.readFileSync(path.join(mnt, 'file.txt'), 'utf8'), 'inside', 'the host file is unchanged');
  t.notOk(fs.existsSync(path.join(mnt, 'new.txt')) || fs.existsSync(path.join(mnt, 'newdir')), 'nothing was created');
});

t.test('a writable mount nested in a read-only one', async (t) => {
  const inner = path.join(root, 'inner');
  fs.mkdirSync(inner);
  t.equal(await fsbox([`${mnt}:/ro:ro`, `${inner}:/ro/sub/rw`], 'write', '/ro/sub/rw/out.txt', 'ok', 'write', '/ro/sub/x.txt', 'no'),
    'write /ro/sub/rw/out.txt: ok\nwrite /ro/sub/x.txt: EROFS\n');
  t.equal(fs.readFileSync(path.join(inner, 'out.txt'), 'utf8'), 'ok');
});
