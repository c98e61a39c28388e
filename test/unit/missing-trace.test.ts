import t from 'tap';
import { STATE } from '../../lib/runtime/layout.js';
import type { TranslatedBlock } from '../../lib/tier1-tcg/block.js';
import { InstalledTrace, type TraceRun } from '../../lib/tier2-optimizer/installed-trace.js';
import { missingTrace } from '../../lib/tier2-optimizer/missing-trace.js';
import { NO_TRACE, PASSED_REGS, RESUME_EXIT } from '../../lib/tier2-optimizer/trace-abi.js';
import { traceTrampoline } from '../../lib/tier2-optimizer/trace-trampoline.js';
import { TraceSet } from '../../lib/tier2-optimizer/trace-set.js';

// A CPU worker's trace table holds the missing-trace stand-in wherever the
// shared directory may name a trace this CPU does not hold: entered there,
// it must leave to the dispatcher with the count and NO_TRACE.
const stateBlock = (): Int32Array => new Int32Array(new SharedArrayBuffer(256));

/** A shared memory with a CPU state block at `offset` (bytes). */
function memoryWithState(offset: number): { memory: WebAssembly.Memory; state: Int32Array } {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  return { memory, state: new Int32Array(memory.buffer, offset, 64) };
}

t.test('the trampoline passes the registers from the state block; the stand-in writes back what it was passed', async (t) => {
  for (const offset of [0, 0x9000, 0x9100]) {
    const { memory, state } = memoryWithState(offset);
    for (let r = 1; r <= PASSED_REGS; r++) state[r] = 1000 * r + offset;
    // The stand-in writes into another block, so what lands there is what
    // the trampoline passed.
    const copy = stateBlock();
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 8 }, missingTrace(copy));
    t.equal(traceTrampoline(table, memory, state)(5, 1000, 77, 3), RESUME_EXIT, `state at ${offset}: returns the resume exit`);
    t.same([...copy.subarray(1, 1 + PASSED_REGS)], [...state.subarray(1, 1 + PASSED_REGS)], `state at ${offset}: x1..x31 in order`);
    t.equal(copy[0], 0, 'x0 is not passed');
    t.equal(copy[STATE.EXIT_INSNS], 77, 'reports the instructions retired before the chain');
    t.equal(copy[STATE.EXIT_TRACE], NO_TRACE, 'names no trace');
  }
});

t.test('a dropped trace\'s slots hold the stand-in, and its blocks are unlinked', async (t) => {
  const vacant = missingTrace(stateBlock());
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 2 }, vacant);
  const blocks = new Map<number, TranslatedBlock>(
    [0x1000, 0x1010].map((pc) => [pc, { pc, valid: true, trace: null, traceEntry: 0 } as unknown as TranslatedBlock]),
  );
  const set = new TraceSet(table, (pc) => blocks.get(pc), vacant);
  // Any wasm function of the run type stands for the trace's code here.
  const code = missingTrace(stateBlock());
  const run: TraceRun = () => RESUME_EXIT;
  const trace = new InstalledTrace(3, 'test', [0x1000, 0x1010, 0x2000], [0, 1, 2], [{ kind: 'indirect' }], code, run, [1, 2]);
  const listed: number[] = [];
  t.ok(set.add(trace, (pc) => listed.push(pc)), 'added');
  t.ok(table.length >= 8, 'the table grew to hold slots 6 and 7');
  t.equal(table.get(6), code, 'slot 2*id runs the trace');
  t.equal(table.get(7), code, 'and so does slot 2*id+1');
  t.equal(table.get(4), vacant, 'slots it grew by hold the stand-in');
  t.same(listed, [0x1000, 0x1010, 0x2000], 'every entry listed (0x2000 waits for tier 1)');
  t.equal(blocks.get(0x1010)!.traceEntry, 1, 'the second block enters at entry 1');
  t.same(set.on(2, 3).map((x) => x.id), [3], 'found by its page');
  t.same(set.on(5, 9), [], 'not on other pages');
  const unlisted: number[] = [];
  set.drop(trace, (pc) => unlisted.push(pc));
  t.equal(trace.valid, false, 'invalid');
  t.equal(table.get(6), vacant, 'its head slot holds the stand-in');
  t.equal(table.get(7), vacant, 'its entry slot holds the stand-in');
  t.equal(blocks.get(0x1000)!.trace, null, 'its head block runs tier 1 again');
  t.same(unlisted, [0x1000, 0x1010, 0x2000], 'every entry unlisted');
  t.same(set.on(0, Infinity), [], 'no valid trace left');
  const late = { pc: 0x2000, valid: true, trace: null, traceEntry: 0 } as unknown as TranslatedBlock;
  set.attach(late);
  t.equal(late.trace, null, 'an entry waiting for tier 1 is not attached after the drop');
});
