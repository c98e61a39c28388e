import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { run } from '../lib/index.js';
import { NR } from '../lib/runtime/syscalls/numbers.js';
import { hyemu } from './helpers/cli.js';
import { assembleWords, writeElf } from './helpers/elf-writer.js';
import { attempt, describeError, fuzzCases, fuzzFirstSeed, openFdCount, Rng, summary } from './helpers/fuzz-common.js';
import { mutateElf } from './helpers/fuzz-elf-mutate.js';
import { guestElf } from './helpers/guest.js';
import * as E from './helpers/rv-encode.js';

// ELF fuzzing: random mutations of the header and program header fields,
// bit flips, truncations and damaged section tables of valid programs.
// Whatever the bytes, the API resolves with a result or rejects with a
// HyemuError (an ElfError, or MEMORY_LIMIT) carrying a one-line message;
// never another exception, never a hang (the runs have instruction and time
// budgets). A sample of the refused files goes through the CLI too: one line,
// the error's exit code. Fixed seeds; HYEMU_FUZZ_CASES=n (or
// HYEMU_FUZZ_ELF_CASES=n) runs more (`npm run fuzz`), HYEMU_FUZZ_FIRST_SEED=s
// starts elsewhere.
const CASES = fuzzCases('elf', 1000);
const FIRST = fuzzFirstSeed();
const CLI_SAMPLES = Math.min(12, Math.max(4, Math.round(CASES / 50)));

const tiny = writeElf({
  textAddr: 0x10000,
  text: assembleWords([...E.li(10, 42), ...E.li(17, NR.exit_group), E.ECALL]),
  dataAddr: 0x11000, data: new Uint8Array(16), bss: 64,
});
const BASES: ReadonlyArray<readonly [string, Uint8Array]> = [
  ['hello.elf', new Uint8Array(fs.readFileSync(guestElf('hello')))],
  ['smoke.elf', new Uint8Array(fs.readFileSync(guestElf('smoke')))],
  ['tiny (elf-writer)', tiny],
];
const MIB = 1024 * 1024;

t.test(`ELF fuzzing: ${CASES} mutated files (seeds ${FIRST}..${FIRST + CASES - 1})`, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyemu-fuzz-elf-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fdsBefore = openFdCount();
  const failures: string[] = [];
  const counts: Record<string, number> = {};
  const count = (k: string): void => { counts[k] = (counts[k] ?? 0) + 1; };
  let cliChecked = 0;
  let slowest = 0;
  for (let seed = FIRST; seed < FIRST + CASES; seed++) {
    const rng = new Rng(seed);
    const [baseName, base] = rng.pick(BASES);
    const { bytes, steps } = mutateElf(base, rng);
    const memoryLimit = rng.pick([undefined, 16 * MIB, 64 * MIB]);
    const what = `seed ${seed}: ${baseName} with ${steps.join(', ') || 'no change'}${memoryLimit ? `, memoryLimit ${memoryLimit / MIB}M` : ''}`;
    const a = await attempt(() => run(bytes, {
      args: ['x'], tier2: false, maxInstructions: 2e6, timeoutMs: 5000, ...(memoryLimit ? { memoryLimit } : {}),
    }));
    slowest = Math.max(slowest, a.ms);
    if (a.ms > 15_000) failures.push(`${what}: took ${a.ms.toFixed(0)} ms`);
    if (a.kind === 'host-exception') {
      count('host exception');
      failures.push(`${what}: ${describeError(a.error)}`);
    } else if (a.kind === 'hyemu-error') {
      count(`refused (${a.error.code})`);
      if (!['ELF_INVALID', 'MEMORY_LIMIT'].includes(a.error.code)) failures.push(`${what}: unexpected code ${a.error.code}: ${a.error.message}`);
      if (!a.error.message || /\n/.test(a.error.message) || a.error.message.length > 300) failures.push(`${what}: message is not one line: ${JSON.stringify(a.error.message)}`);
      if (cliChecked < CLI_SAMPLES && seed % 3 === 0) {
        cliChecked++;
        const file = path.join(dir, `seed-${seed}.elf`);
        fs.writeFileSync(file, bytes);
        const r = hyemu(['run', '--no-tier2', '--max-insns', '2000000', ...(memoryLimit ? ['--memory-limit', `${memoryLimit / MIB}M`] : []), file, 'x']);
        if (r.status !== a.error.exitCode || r.stderr !== `hyemu: ${a.error.message}\n` || r.stdout !== '') {
          failures.push(`${what}: CLI gave exit ${r.status}, stderr ${JSON.stringify(r.stderr.slice(0, 500))} (API: ${a.error.exitCode}, ${a.error.message})`);
        }
      }
    } else {
      count(`ran (${a.result.status})`);
    }
  }
  t.same(failures.slice(0, 20), [], `no host exception, no hang, one-line typed errors (${failures.length} failures)`);
  t.ok(cliChecked > 0, `${cliChecked} refused files checked through the CLI`);
  const fdsAfter = openFdCount();
  if (fdsBefore !== null) t.ok(fdsAfter! <= fdsBefore + 2, `no host fds leaked (${fdsBefore} -> ${fdsAfter})`);
  const r = await run(BASES[0]![1], { tier2: false });
  t.equal(r.exitCode, 3, 'a normal program still runs afterwards');
  t.comment(summary('elf', { cases: CASES, ...counts, 'CLI checks': cliChecked, 'slowest ms': slowest.toFixed(0), failures: failures.length }));
});
