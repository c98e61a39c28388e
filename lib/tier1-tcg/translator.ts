import { blockExits, type IRBlock } from '../ir/types.js';
import { assertValidBlock } from '../ir/verifier.js';
import { divs, divu, mulhs, mulhsu, mulhu, rems, remu } from '../ir/eval.js';
import { translateBlock, type CodeSource } from '../guest/riscv/translate.js';
import type { GuestMemory } from '../runtime/guest-memory.js';
import type { GuestAccess } from '../runtime/guest-access.js';
import { GUEST_BASE, PAGE_SHIFT, PERM } from '../runtime/layout.js';
import { FACTORY_PARAMS, generateBlockSource } from './codegen.js';
import { TranslatedBlock } from './block.js';
import { interpretBlock, type BlockBindings } from './interpreter.js';

/** Interpreted executions before a block is compiled (see interpreter.ts). */
export const DEFAULT_TIER1_COMPILE_AFTER = 4;

export interface Tier1Options {
  readonly maxBlockInsns: number;
  /** Executions of a block that walk its IR (interpreter.ts) before it is
   *  compiled to JavaScript; 0 compiles it at once. */
  readonly compileAfter: number;
  /** Run the IR verifier on every block (tests and debugging). */
  readonly verifyIR: boolean;
}

/** Code fetch from guest memory, honouring execute permission. */
export function memoryCodeSource(space: GuestMemory): CodeSource {
  const table = space.pageTable;
  const view = space.view;
  return {
    fetch16(addr: number): number | undefined {
      addr >>>= 0;
      if ((table[addr >>> PAGE_SHIFT]! & PERM.EXEC) === 0) return undefined;
      return view.getUint16(GUEST_BASE + addr, true);
    },
  };
}

/**
 * Tier 1: translates a guest block to IR with the shared front end, emits
 * JavaScript from the IR and compiles it. Pages it reads code from are
 * marked so that stores to them invalidate the translation.
 */
export class Tier1Translator {
  private readonly code: CodeSource;
  private readonly helpers: BlockBindings;
  private readonly bindings: unknown[];
  translatedBlocks = 0;
  translatedInsns = 0;
  /** Blocks compiled to JavaScript, and the time that took (generating
   *  the source, V8 parsing it). */
  compiledBlocks = 0;
  compileNs = 0n;
  /** Compiled block functions by source text: code that is rewritten back
   *  and forth (self-modifying loops) is compiled once per version. */
  private readonly compiled = new Map<string, () => number>();
  private static readonly COMPILED_CACHE_SIZE = 4096;

  /** Blocks run against `state`, one guest thread's CPU state. */
  constructor(
    readonly space: GuestMemory,
    readonly state: Int32Array,
    access: GuestAccess,
    readCounter: (csr: number, retired: number) => number,
    private readonly options: Tier1Options,
  ) {
    this.code = memoryCodeSource(space);
    this.helpers = { x: state, ...access, read_counter: readCounter, mulhs, mulhu, mulhsu, divs, divu, rems, remu };
    this.bindings = FACTORY_PARAMS.map((name) => this.helpers[name]);
  }

  get maxBlockInsns(): number {
    return this.options.maxBlockInsns;
  }

  /** The front end alone, optionally with a smaller instruction limit. */
  buildIR(pc: number, maxInsns = this.options.maxBlockInsns): IRBlock {
    const ir = translateBlock(this.code, pc, { maxInsns });
    if (this.options.verifyIR) assertValidBlock(ir);
    return ir;
  }

  /** The block at `pc`. It walks its IR for its first `compileAfter`
   *  executions, then compiles itself (the IR is dropped then). */
  translate(pc: number, maxInsns = this.options.maxBlockInsns): TranslatedBlock {
    const ir = this.buildIR(pc, maxInsns);
    const insnPcs = ir.ops.flatMap((op) => (op.op === 'insn' ? [op.pc] : []));
    let runs = this.options.compileAfter;
    const compile = (): number => {
      block.run = this.compile(ir);
      return block.run();
    };
    const interpret = (): number => (--runs < 0 ? compile() : interpretBlock(ir, this.helpers));
    const block = new TranslatedBlock(ir.pc, ir.size, ir.insnCount, blockExits(ir.term), runs > 0 ? interpret : compile, insnPcs);
    if (ir.size > 0) for (let p = block.firstPage; p <= block.lastPage; p++) this.space.markCode(p);
    this.translatedBlocks++;
    this.translatedInsns += ir.insnCount;
    return block;
  }

  private compile(ir: IRBlock): () => number {
    const t0 = process.hrtime.bigint();
    const fn = this.compileSource(generateBlockSource(ir));
    this.compiledBlocks++;
    this.compileNs += process.hrtime.bigint() - t0;
    return fn;
  }

  private compileSource(source: string): () => number {
    let fn = this.compiled.get(source);
    if (fn === undefined) {
      const factory = new Function(...FACTORY_PARAMS, source) as (...args: unknown[]) => () => number;
      fn = factory(...this.bindings);
      if (this.compiled.size >= Tier1Translator.COMPILED_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(source, fn);
    }
    return fn;
  }
}
