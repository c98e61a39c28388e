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
 *  from the head (iteratively, like stronglyConnected). */
export function loopHeaders(blocks: readonly RegionBlock[]): Set<number> {
  const succ = blocks.map(internalSuccessors);
  const headers = new Set<number>();
  if (blocks.length === 0) return headers;
  const state = new Array<0 | 1 | 2>(blocks.length).fill(0);
  const work: Array<[node: number, next: number]> = [[0, 0]];
  state[0] = 1;
  while (work.length > 0) {
    const top = work[work.length - 1]!;
    const [v, k] = top;
    if (k < succ[v]!.length) {
      top[1]++;
      const w = succ[v]![k]!;
      if (state[w] === 1) headers.add(w);
      else if (state[w] === 0) {
        state[w] = 1;
        work.push([w, 0]);
      }
      continue;
    }
    state[v] = 2;
    work.pop();
  }
  return headers;
}

/** Tarjan's algorithm, iteratively (regions may be long chains): the
 *  strongly connected component of each node, numbered in finishing order. */
function stronglyConnected(succ: readonly (readonly number[])[]): number[] {
  const n = succ.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const component = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: Array<[node: number, next: number]> = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, k] = top;
      if (k < succ[v]!.length) {
        top[1]++;
        const w = succ[v]![k]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          work.push([w, 0]);
        } else if (component[w] === -1) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          component[w] = components;
        } while (w !== v);
        components++;
      }
    }
  }
  return component;
}
