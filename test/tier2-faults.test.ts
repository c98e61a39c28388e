import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { Emulator, run, Tier2Pool, type CompilerPool, type RunResult } from '../lib/index.js';
import { compileTask } from '../lib/tier2-optimizer/compile.js';
import type { FaultInjection } from '../lib/tier2-optimizer/task.js';
import { TaskDeadline, stampStart } from '../lib/tier2-optimizer/task-deadline.js';
import { CodeGenerations } from '../lib/traces/code-generations.js';
import { TraceDirectory } from '../lib/traces/trace-directory.js';
import { guestElf, loadCases } from './helpers/guest.js';

// Faults in tier 2 never change results: whatever the compiler does, the
// region stays in tier 1 and the guest's output is the same.
const cases = loadCases();
const expected = (name: string) => cases.find((c) => c.name === name)!;
// hotloop with 1000 rounds: about forty traces, a second or two.
const hotloop = expected('hotloop 1000');
const HOTLOOP = { args: hotloop.args! };

function checkOutput(t: { equal(a: unknown, b: unknown, m: string): void }, r: RunResult, c = hotloop): void {
  t.equal(r.exitCode, c.exit, 'exit code as in tier 1');
  t.equal(r.stdout?.toString(), c.stdout, 'stdout as in tier 1');
}

for (const injection of ['throw', 'invalid-module', 'hang', 'crash'] as const satisfies readonly FaultInjection[]) {
  t.test(`a compile that fails with "${injection}"`, async (t) => {
    const pool = new Tier2Pool(1);
    t.teardown(() => pool.close());
    // The first two tasks fail; later ones compile normally.
    const r = await run(guestElf('hotloop'), {
      ...HOTLOOP,
      tier2: {
        pool, hotThreshold: 5, waitForInstall: true,
        // Only the hang needs a short limit; the others must not depend on one.
        ...(injection === 'hang' ? { compileTimeoutMs: 2000 } : {}),
        faultInjection: (n) => (n < 2 ? injection : undefined),
      },
    });
    checkOutput(t, r);
    const s = r.stats.tier2!;
    t.equal(s.failed, 2, `both injected failures are counted (${JSON.stringify(s)})`);
    t.ok(s.installed > 0, `other traces were still installed (${s.installed})`);
  });
}

t.test('the compile time limit counts from the worker picking the task up', async (t) => {
  const deadline = new TaskDeadline(60);
  const signal = deadline.start();
  await sleep(200);
  t.notOk(signal.aborted, 'a task still queued after three limits has not timed out');
  stampStart(deadline.startedAt);
  await sleep(20);
  t.notOk(signal.aborted, 'a task running for less than the limit has not timed out');
  await sleep(150);
  t.ok(signal.aborted, 'a task running past the limit has timed out');
  t.equal((signal.reason as DOMException).name, 'TimeoutError');
  const cleared = new TaskDeadline(30);
  const quiet = cleared.start();
  stampStart(cleared.startedAt);
  cleared.clear();
  await sleep(100);
  t.notOk(quiet.aborted, 'a settled task is not aborted later');
});

t.test('the pool shut down while tasks are in flight', async (t) => {
  const pool = new Tier2Pool(1);
  let closing: Promise<void> | null = null;
  const emuRun = run(guestElf('qsort_big'), { tier2: { pool, hotThreshold: 2, faultInjection: () => 'slow' } });
  const c = expected('qsort_big');
  // Shut the pool down shortly after the run starts, with slow tasks queued.
  setTimeout(() => { closing = pool.close(); }, 100);
  const r = await emuRun;
  await closing;
  checkOutput(t, r, c);
  t.ok(r.stats.tier2!.failed > 0, `tasks cut off by the shutdown count as failed (${r.stats.tier2!.failed})`);
});

t.test('a result compiled from code that has since changed is dropped', async (t) => {
  // A pool that compiles for real but hands results back only after the
  // guest has rewritten code: smc patches a function after 100000 calls.
  const c = expected('smc');
  let emu: Emulator | undefined;
  const held: Array<() => void> = [];
  const pool: CompilerPool = {
    compile: (task) => new Promise((resolve) => held.push(() => resolve(compileTask(task)))),
    close: async () => {},
  };
  const release = setInterval(() => {
    if (emu && emu.dispatcher.codeEpoch > 0) held.splice(0).forEach((f) => f());
  }, 1);
  emu = await Emulator.create(guestElf('smc'), { tier2: { pool, hotThreshold: 20 } });
  const r = await emu.run();
  clearInterval(release);
  checkOutput(t, r, c);
  t.ok(r.stats.tier2!.staleDropped > 0, `stale results dropped (${r.stats.tier2!.staleDropped})`);
});

t.test('installed traces over rewritten code are invalidated', async (t) => {
  const c = expected('smc');
  const pool = new Tier2Pool(1);
  t.teardown(() => pool.close());
  const r = await run(guestElf('smc'), { tier2: { pool, hotThreshold: 20, waitForInstall: true } });
  checkOutput(t, r, c);
  t.ok(r.stats.tier2!.invalidated > 0, `traces invalidated (${r.stats.tier2!.invalidated})`);
  t.ok(r.stats.tier1.blocksInvalidated > 0, 'tier-1 blocks invalidated');
  // smc rewrites the same functions again and again: their heads stop
  // being compiled once their code changed under them BACKOFF_AFTER times.
  t.ok(r.stats.tier2!.backedOff > 0, `heads backed off (${r.stats.tier2!.backedOff})`);
});

t.test('code generations tell stale snapshots apart', async (t) => {
  const g = new CodeGenerations();
  const snap = g.snapshot([0x10, 0x11]);
  t.ok(g.isCurrent(snap), 'fresh snapshot is current');
  g.bump(0x20, 0x21);
  t.ok(g.isCurrent(snap), 'a change to another page leaves it current');
  g.bump(0x11, 0x12);
  t.notOk(g.isCurrent(snap), 'a change to one of its pages makes it stale');
  const snap2 = g.snapshot([0x10]);
  g.bump(0, Infinity);
  t.notOk(g.isCurrent(snap2), 'discarding all code makes every snapshot stale');
});

t.test('trace directory: pc -> trace, direct-mapped in shared memory', async (t) => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const d = new TraceDirectory(memory.buffer);
  d.install(0x10000, 7, 0);
  t.same(d.lookup(0x10000), { id: 7, entry: 0 }, 'lookup finds the installed trace');
  t.equal(d.lookup(0x10002), null, 'another pc is not listed');
  t.equal(d.listed, 1);
  d.remove(0x10000, 8);
  t.same(d.lookup(0x10000), { id: 7, entry: 0 }, 'removing another trace id leaves it');
  // 0x12000 maps to the same slot: a non-head entry does not take it...
  d.install(0x12000, 9, 3);
  t.equal(d.lookup(0x12000), null, 'an entry does not displace a listed head');
  // ...a head does.
  d.install(0x12000, 9, 0);
  t.same(d.lookup(0x12000), { id: 9, entry: 0 });
  t.equal(d.lookup(0x10000), null, 'the collided head is no longer listed');
  d.remove(0x12000, 9);
  t.equal(d.lookup(0x12000), null, 'removed');
  t.equal(d.listed, 0);
  d.install(0x12004, 5, 2);
  t.same(d.lookup(0x12004), { id: 5, entry: 2 }, 'an entry fills a free slot');
});
