import type { RegionBlock } from './region.js';

/** The region blocks a block continues in: its internal successors and the
 *  indirect targets the region compares in wasm. */
export function internalSuccessors(b: RegionBlock): number[] {
  return [...b.successors.filter((s): s is number => s !== null), ...b.indirectTargets.map(([, i]) => i)];
}

/**
 * The region blocks a trace may be entered at (by the dispatcher, or by a
 * tail call from another trace): the head, every block outside the
 * region's loops, and the header of each outermost loop, that is the one
 * block by which control comes into a strongly connected part of the CFG.
 *
 * Entering any other block enters a loop in its middle: the CFG with that
 * entry is irreducible, and the Relooper then renders the loop as a
 * dispatch on its label variable at every block (measured on `memops`: a
 * chain of 30 compares per iteration, most of its run time). A block left
 * out is not listed: control arriving there runs it in tier 1, where it
 * grows hot and heads a region of its own, whose loops are clean.
 *
 * With entries only at these blocks every loop keeps a single entry (each
 * maximal strongly connected part is entered only at its one entry block,
 * and the parts inside it only from within), so the CFG stays reducible.
 */
export function regionEntries(blocks: readonly RegionBlock[]): number[] {
  const succ = blocks.map(internalSuccessors);
  const component = stronglyConnected(succ);
  const cyclic = new Array<boolean>(blocks.length).fill(false);
  const count = new Map<number, number>();
  for (const c of component) count.set(c, (count.get(c) ?? 0) + 1);
  succ.forEach((next, i) => {
    if (count.get(component[i]!)! > 1 || next.includes(i)) cyclic[component[i]!] = true;
  });
  // Per component, the blocks control comes in at: the head, and blocks
  // with a predecessor in another component.
  const entriesOf = new Map<number, Set<number>>([[component[0]!, new Set([0])]]);
  succ.forEach((next, i) => {
    for (const s of next) {
      if (component[s] === component[i]) continue;
      let set = entriesOf.get(component[s]!);
      if (!set) entriesOf.set(component[s]!, (set = new Set()));
      set.add(s);
    }
  });
  const entries: number[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const c = component[i]!;
    const into = entriesOf.get(c);
    if (i === 0 || !cyclic[c] || (into !== undefined && into.size === 1 && into.has(i))) entries.push(i);
  }
  return entries;
}

/** The region's loop headers: targets of back edges of a depth-first walk
 *  from the head. */
export function loopHeaders(blocks: readonly RegionBlock[]): Set<number> {
  const headers = new Set<number>();
  if (blocks.length === 0) return headers;
  const onPath = new Array<boolean>(blocks.length).fill(false);
  depthFirst(blocks.map(internalSuccessors), [0], {
    discover: (v) => { onPath[v] = true; },
    revisit: (_v, w) => { if (onPath[w]) headers.add(w); },
    finish: (v) => { onPath[v] = false; },
  });
  return headers;
}

/** Tarjan's algorithm: the strongly connected component of each node,
 *  numbered in finishing order. */
function stronglyConnected(succ: readonly (readonly number[])[]): number[] {
  const n = succ.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const component = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  depthFirst(succ, succ.keys(), {
    discover: (v) => {
      index[v] = low[v] = counter++;
      stack.push(v);
    },
    revisit: (v, w) => {
      if (component[w] === -1) low[v] = Math.min(low[v]!, index[w]!);
    },
    finish: (v, parent) => {
      if (parent !== -1) low[parent] = Math.min(low[parent]!, low[v]!);
      if (low[v] !== index[v]) return;
      let w: number;
      do {
        w = stack.pop()!;
        component[w] = components;
      } while (w !== v);
      components++;
    },
  });
  return component;
}

interface DepthFirstVisitor {
  /** `v` is reached for the first time (a root, or by a tree edge). */
  discover(v: number): void;
  /** An edge from `v` to `w`, reached before. */
  revisit(v: number, w: number): void;
  /** `v`'s successors are all done; `parent` is -1 for a root. */
  finish(v: number, parent: number): void;
}

/** A depth-first walk from each root not reached yet, successors in order;
 *  iterative, since regions may be long chains. */
function depthFirst(succ: readonly (readonly number[])[], roots: Iterable<number>, visit: DepthFirstVisitor): void {
  const reached = new Array<boolean>(succ.length).fill(false);
  for (const root of roots) {
    if (reached[root]) continue;
    reached[root] = true;
    visit.discover(root);
    const work: Array<[node: number, next: number]> = [[root, 0]];
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, k] = top;
      if (k < succ[v]!.length) {
        top[1]++;
        const w = succ[v]![k]!;
        if (reached[w]) {
          visit.revisit(v, w);
        } else {
          reached[w] = true;
          visit.discover(w);
          work.push([w, 0]);
        }
        continue;
      }
      work.pop();
      visit.finish(v, work.length > 0 ? work[work.length - 1]![0] : -1);
    }
  }
}
